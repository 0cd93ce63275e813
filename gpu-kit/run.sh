#!/usr/bin/env bash
# Runs Dice's ONNX Runtime work on a CUDA 13 machine that has PyTorch but no .NET, from the kit gpu-kit/pack.sh made.
#
#   run.sh [OPTIONS] [--] COMMAND [ARGS...]   check the host, unpack the kit (once), set the library paths, run COMMAND
#   run.sh [OPTIONS] check [--partial]        which carried parts are present, missing or corrupt
#                                             (--partial: missing parts are fine, only corrupt ones fail)
#   run.sh [OPTIONS] unpack                   reassemble and unpack the kit only (needs no GPU)
#   run.sh [OPTIONS] host                     check the host only
# OPTIONS:
#   --carry DIR   where MANIFEST and the parts are (default: this script's folder when MANIFEST is beside it,
#                 else .gpu-kit/carry in the repository)
#   --kit DIR     where the kit is unpacked (default: kit/ beside the carry folder)
# COMMAND runs with dice/ and the benchmarks' folder first on PATH (so `dice info`, `Dice.Benchmarks --inProcess …`),
# PyTorch's site-packages/nvidia/*/lib folders (CUDA 13, cuDNN 9) first on LD_LIBRARY_PATH, and DICE_GPU_KIT = the
# unpacked kit. Each publish holds ONNX Runtime with its CUDA provider; the kit holds no libtorch, so `dice info`
# reports libtorch as unavailable and training does not run from it. DICE_GPU_PYTHON names the Python that holds
# PyTorch (default: python3).
# Exit status: COMMAND's own; 2 bad usage; 3 the host lacks what the kit needs; 4 the kit is incomplete or corrupt.
# Every failure of this script itself prints one "gpu-kit: error:" paragraph.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

readonly KIT_NAME=dice-gpu-kit.tar.gz
readonly BENCH_REL=benchmarks/Dice.Benchmarks/bin/Release/net10.0
# What libonnxruntime_providers_cuda.so (ONNX Runtime 1.32, CUDA 13) loads besides the driver (libcuda.so.1, which the
# GPU check below covers); it loads cuDNN 9 at run time.
readonly CUDA_LIBS=(libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libcurand.so.10 libcudnn.so.9)

fail() {
  local status="$1"
  shift
  {
    echo "gpu-kit: error: $1"
    shift
    local line
    for line in "$@"; do echo "  $line"; done
  } >&2
  exit "$status"
}

carry="" kit=""
while [ $# -gt 0 ]; do
  case "$1" in
    --carry) carry="${2:?--carry needs a folder}"; shift 2 ;;
    --kit) kit="${2:?--kit needs a folder}"; shift 2 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    --) shift; break ;;
    -*) fail 2 "unknown option '$1' (see run.sh --help)" ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || fail 2 "no command given" "usage: run.sh [--carry DIR] [--kit DIR] [--] COMMAND [ARGS...] | check [--partial] | unpack | host"

if [ -z "$carry" ]; then
  if [ -f "$here/MANIFEST" ]; then carry="$here"; else carry="$(cd "$here/.." && pwd)/.gpu-kit/carry"; fi
fi
kit="${kit:-$(dirname "$carry")/kit}"
chunks="$here/chunks.sh"
[ -f "$chunks" ] || fail 4 "chunks.sh is not beside run.sh in $here"

# --- the host ------------------------------------------------------------------------------------------------------
py="${DICE_GPU_PYTHON:-python3}"
torch_dir="" torch_version="" torch_cuda="" cuda_available="" gpu_name="" nvidia_dirs=""

# Asks Python for PyTorch's whereabouts; one key=value a line.
read -r -d '' PROBE <<'EOF' || true
import glob, os, site, sys
try:
    import torch
except Exception as e:
    print("import_error=%s: %s" % (type(e).__name__, e))
    sys.exit(0)
torch_dir = os.path.dirname(torch.__file__)
print("torch_dir=" + torch_dir)
print("torch_version=" + torch.__version__)
print("torch_cuda=" + (torch.version.cuda or ""))
roots = [os.path.dirname(torch_dir)] + list(site.getsitepackages())
try:
    import nvidia
    roots += [os.path.dirname(p) for p in nvidia.__path__]
except Exception:
    pass
dirs = []
for r in roots:
    for d in sorted(glob.glob(os.path.join(r, "nvidia", "*", "lib"))):
        if d not in dirs:
            dirs.append(d)
print("nvidia_dirs=" + ":".join(dirs))
ok = torch.version.cuda is not None and torch.cuda.is_available()
print("cuda_available=" + ("1" if ok else "0"))
print("gpu_name=" + (torch.cuda.get_device_name(0) if ok else ""))
EOF

# Whether SONAME can be found in DIRS (colon-separated), LD_LIBRARY_PATH or the loader cache.
lib_found() {
  local soname="$1" dirs="$2" dir list
  IFS=: read -r -a list <<<"$dirs:${LD_LIBRARY_PATH:-}"
  for dir in "${list[@]}"; do
    [ -n "$dir" ] && [ -e "$dir/$soname" ] && return 0
  done
  ldconfig -p 2>/dev/null | grep -q "^[[:space:]]*$soname "
}

check_host() {
  local problems=() line key value probe_out import_error=""
  if ! command -v "$py" >/dev/null 2>&1; then
    problems+=("Python: '$py' was not found (neither a file nor on PATH), so PyTorch cannot be found (set DICE_GPU_PYTHON to the python3 that holds PyTorch)")
  elif ! probe_out="$("$py" -c "$PROBE" 2>&1)"; then
    problems+=("Python: '$py' failed to run: $(tail -n 1 <<<"$probe_out")")
  else
    while IFS= read -r line; do
      key="${line%%=*}" value="${line#*=}"
      case "$key" in
        import_error) import_error="$value" ;;
        torch_dir) torch_dir="$value" ;;
        torch_version) torch_version="$value" ;;
        torch_cuda) torch_cuda="$value" ;;
        cuda_available) cuda_available="$value" ;;
        gpu_name) gpu_name="$value" ;;
        nvidia_dirs) nvidia_dirs="$value" ;;
      esac
    done <<<"$probe_out"
    if [ -n "$import_error" ]; then
      problems+=("PyTorch: '$py' cannot import torch ($import_error); install PyTorch built for CUDA 13 (cu130), or set DICE_GPU_PYTHON to the python3 that has it")
    elif [ -z "$torch_dir" ]; then
      problems+=("PyTorch: '$py' gave no answer about torch (output: $(tail -n 1 <<<"$probe_out"))")
    elif [ -z "$torch_cuda" ]; then
      problems+=("CUDA: PyTorch $torch_version in $torch_dir is a CPU-only build; the kit needs one built for CUDA 13 (cu130)")
    else
      [ "${torch_cuda%%.*}" = 13 ] || problems+=("CUDA: PyTorch $torch_version is built for CUDA $torch_cuda; the ONNX Runtime CUDA provider in the kit needs CUDA 13 (cu130)")
      [ "$cuda_available" = 1 ] || problems+=("GPU: PyTorch $torch_version sees no usable GPU (torch.cuda.is_available() is False): no NVIDIA GPU or driver (libcuda.so.1) here")
      local missing=() lib
      for lib in "${CUDA_LIBS[@]}"; do
        lib_found "$lib" "$nvidia_dirs" || missing+=("$lib")
      done
      [ ${#missing[@]} -eq 0 ] || problems+=("CUDA libraries: ${missing[*]} found neither in PyTorch's site-packages/nvidia/*/lib (${nvidia_dirs:-none}) nor on LD_LIBRARY_PATH nor in the loader cache; install the CUDA 13 runtime, cuBLAS, cuRAND and cuDNN 9 (pip: nvidia-cuda-runtime, nvidia-cublas, nvidia-curand, nvidia-cudnn-cu13)")
    fi
  fi
  if ! command -v tar >/dev/null 2>&1 || ! command -v gzip >/dev/null 2>&1; then
    problems+=("tar and gzip: needed to unpack the kit")
  fi
  if [ ${#problems[@]} -gt 0 ]; then
    fail 3 "this machine lacks what the Dice GPU kit needs:" "${problems[@]}"
  fi
  echo "gpu-kit: host: PyTorch $torch_version (CUDA $torch_cuda) in $torch_dir; GPU: $gpu_name"
}

# --- the kit -------------------------------------------------------------------------------------------------------
need_manifest() {
  [ -f "$carry/MANIFEST" ] || fail 4 "no kit manifest at $carry/MANIFEST" \
    "make the kit with gpu-kit/pack.sh, then carry $carry/MANIFEST and the $KIT_NAME.part-* files it lists here"
}

check_parts() {
  need_manifest
  local report status=0
  report="$(bash "$chunks" verify "$@" "$carry/MANIFEST" "$carry" 2>&1)" || status=$?
  if [ "$status" -ne 0 ]; then
    fail 4 "the kit in $carry is incomplete or corrupt:" "${report//$'\n'/$'\n'  }"
  fi
  echo "$report"
}

unpack() {
  need_manifest
  local stamp
  stamp="$(sha256sum "$carry/MANIFEST" | cut -d' ' -f1)"
  if [ -f "$kit/.unpacked" ] && [ "$(cat "$kit/.unpacked")" = "$stamp" ]; then
    echo "gpu-kit: kit already unpacked in $kit"
    return
  fi
  local work="$kit.unpacking" report status=0
  rm -rf "$work"
  mkdir -p "$work"
  report="$(bash "$chunks" join "$carry/MANIFEST" "$work/joined" "$carry" 2>&1)" || status=$?
  if [ "$status" -ne 0 ]; then
    rm -rf "$work"
    fail 4 "the kit in $carry is incomplete or corrupt:" "${report//$'\n'/$'\n'  }"
  fi
  mkdir -p "$work/kit"
  tar --no-same-owner -xzf "$work/joined/$KIT_NAME" -C "$work/kit" || { rm -rf "$work"; fail 4 "$KIT_NAME did not unpack"; }
  rm -rf "$work/joined"
  [ -f "$work/kit/CONTENTS" ] || { rm -rf "$work"; fail 4 "the unpacked kit has no CONTENTS file"; }
  # Every file, byte for byte, as CONTENTS lists it (sha256 size path), and nothing else.
  local bad
  bad="$(cd "$work/kit" && awk '{ print $1 "  " $3 }' CONTENTS | sha256sum -c --quiet 2>&1)" || {
    rm -rf "$work"; fail 4 "files in the unpacked kit differ from CONTENTS:" "${bad//$'\n'/$'\n'  }"; }
  bad="$(cd "$work/kit" && diff <(awk '{ print $3 }' CONTENTS) <(find . -type f ! -path ./CONTENTS -printf '%P\n' | LC_ALL=C sort))" || {
    rm -rf "$work"; fail 4 "the unpacked kit's files are not the ones CONTENTS lists:" "${bad//$'\n'/$'\n'  }"; }
  echo "$stamp" >"$work/kit/.unpacked"
  rm -rf "$kit"
  mv "$work/kit" "$kit"
  rmdir "$work" 2>/dev/null || true
  echo "gpu-kit: unpacked $(wc -l <"$kit/CONTENTS") files into $kit (all match CONTENTS)"
}

case "$1" in
  check)
    shift
    case "${1:-}" in
      "") check_parts ;;
      --partial) check_parts --allow-missing ;;
      *) fail 2 "check takes only --partial" ;;
    esac
    exit 0
    ;;
  unpack) unpack; exit 0 ;;
  host) check_host; exit 0 ;;
esac

check_host
unpack

export DICE_GPU_KIT="$kit"
export PATH="$kit/dice:$kit/$BENCH_REL:$PATH"
# Only the CUDA 13 and cuDNN 9 libraries: ONNX Runtime's CUDA provider is beside libonnxruntime.so in each publish, and
# PyTorch's own torch/lib stays off the path (nothing in the kit needs it, and its libtorch must not stand in for one
# a later kit might carry).
ld_path="$nvidia_dirs"
[ -z "${LD_LIBRARY_PATH:-}" ] || ld_path="${ld_path:+$ld_path:}$LD_LIBRARY_PATH"
export LD_LIBRARY_PATH="$ld_path"
echo "gpu-kit: LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
echo "gpu-kit: running: $*"
exec "$@"
