#!/usr/bin/env bash
# Packs what a CUDA 13 machine without .NET needs to run Dice's ONNX Runtime work, into pieces small enough to carry.
#
#   gpu-kit/pack.sh [--out DIR] [--chunk-mib N | --chunk-bytes N]
#   gpu-kit/pack.sh --from-stage STAGE [--out DIR] [--chunk-mib N | --chunk-bytes N]
#
# The first publishes cli/Dice.Cli and benchmarks/Dice.Benchmarks self-contained for linux-x64 into DIR/stage and
# seals it; --from-stage seals an already assembled kit folder instead (to re-cut it, and what the tests use).
# Both apply the same rules to the two publishes (dice/ and benchmarks/Dice.Benchmarks/bin/Release/net10.0/):
# libtorch's natives (TorchSharp's CPU libtorch is dead weight on the GPU machine) and ONNX Runtime's TensorRT
# provider are deleted by name; each publish must then hold its executable, libonnxruntime.so,
# libonnxruntime_providers_shared.so and the CUDA 13 provider libonnxruntime_providers_cuda.so (all three from the
# NuGet package Microsoft.ML.OnnxRuntime.Gpu.Linux), and no libtorch native may be left anywhere in the kit.
# Identical files are then hard links of one another, stored once in the tarball.
# Parts are --chunk-mib / --chunk-bytes large; by default 40 MiB, or less when a device call would otherwise carry
# more than 64 MiB: each call carries the repository's working tree (its size is measured) plus one part.
# Output, under DIR (default: .gpu-kit/ in the repository, ignored by git):
#   carry/MANIFEST, carry/dice-gpu-kit.tar.gz.part-NNN, carry/run.sh, carry/chunks.sh   what travels
#   CONTENTS (a copy of the kit's file list, to read here), stage/ (the kit), build/ (bin/ and obj/ of the publishes)
# Exit status: 0 packed; 1 a step failed (dotnet publish, tar, the split); 2 bad usage; 3 refused: a publish or the
# stage is not fit to carry (every reason is named). Errors print one "pack.sh: error:" paragraph.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root/gpu-kit"

readonly KIT_NAME=dice-gpu-kit.tar.gz
readonly BENCH_REL=benchmarks/Dice.Benchmarks/bin/Release/net10.0
readonly ORT_PACKAGE=Microsoft.ML.OnnxRuntime.Gpu.Linux
readonly ORT_MANAGED_PACKAGE=Microsoft.ML.OnnxRuntime.Managed
readonly MIB=$((1024 * 1024))
# What one device call may carry (working tree and carried paths together), and the headroom kept below it.
readonly CALL_LIMIT_BYTES=$((64 * MIB))
readonly CALL_MARGIN_BYTES=$((1 * MIB))
readonly DEFAULT_CHUNK_BYTES=$((40 * MIB))
# Deleted from both publishes: TorchSharp's CPU libtorch (libtorch-cpu-linux-x64; about 500 MB, useless where only
# ONNX Runtime runs), libdice_torch.so (the old shim, linked against this machine's libtorch), and ONNX Runtime's
# TensorRT provider (Dice does not use TensorRT).
readonly DROP=(
  libtorch.so libtorch_cpu.so libtorch_global_deps.so libtorch_python.so libtorchbind_test.so libc10.so
  libLibTorchSharp.so 'libgomp-*.so.1' libshm.so libjitbackend_test.so libnnapi_backend.so libaoti_custom_ops.so
  libbackend_with_compiler.so libdice_torch.so libonnxruntime_providers_tensorrt.so
)
# Refused wherever in the kit they are left (after the drop): any libtorch native, e.g. libtorch_cuda.so or
# libc10_cuda.so from a CUDA libtorch, which pack.sh does not drop and the kit must not carry.
readonly LIBTORCH_LIKE=('*torch*.so' '*torch*.so.*' 'libc10*.so' 'libc10*.so.*' 'libgomp*.so*' 'libshm.so*')

fail() {
  local status="$1"
  shift
  {
    echo "pack.sh: error: $1"
    shift
    local line
    for line in "$@"; do echo "  $line"; done
  } >&2
  exit "$status"
}

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}

out="$root/.gpu-kit"
chunk_bytes=""
from_stage=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || fail 2 "--out needs a folder"; out="$2"; shift 2 ;;
    --chunk-mib) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || fail 2 "--chunk-mib takes a positive whole number"
                 chunk_bytes=$(($2 * MIB)); shift 2 ;;
    --chunk-bytes) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || fail 2 "--chunk-bytes takes a positive whole number"
                   chunk_bytes=$2; shift 2 ;;
    --from-stage) [ $# -ge 2 ] || fail 2 "--from-stage needs a folder"; from_stage="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; fail 2 "unknown argument '$1' (the usage is above)" ;;
  esac
done
[ -z "$from_stage" ] || [ -d "$from_stage" ] || fail 2 "--from-stage $from_stage: no such folder"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

human() { numfmt --to=iec-i --suffix=B "$1" 2>/dev/null || echo "$1 B"; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

# The bytes a device call sends besides its carried paths: the repository's tracked and untracked-not-ignored files,
# and shared/ if there is one. Empty when git cannot say.
working_tree_bytes() {
  (
    cd "$root" || exit 0
    git rev-parse --is-inside-work-tree >/dev/null 2>&1 || exit 0
    {
      git ls-files -z --cached --others --exclude-standard
      if [ -d shared ]; then find shared -type f -print0; fi
    } | LC_ALL=C sort -zu | { xargs -0 -r stat -c %s -- 2>/dev/null || true; } | awk '{ s += $1 } END { print s + 0 }'
  )
}

# --- the publishes -------------------------------------------------------------------------------------------------
# A Directory.Packages.props pin, or nothing.
pinned_version() {
  sed -n "s|.*<PackageVersion Include=\"$1\" Version=\"\([^\"]*\)\".*|\1|p" "$root/Directory.Packages.props" | head -n 1
}

publish() {
  local project="$1" dest="$2"
  echo "== dotnet publish $project (self-contained, linux-x64) -> ${dest#"$out"/}"
  # --artifacts-path keeps every bin/ and obj/ of this build under $out/build, apart from the working tree's
  # (which other builds and tests may be using at the same time).
  dotnet publish "$root/$project" -c Release -r linux-x64 --self-contained true --nologo \
    --artifacts-path "$out/build" -o "$dest" || fail 1 "dotnet publish $project failed (its output is above)"
}

# find(1) arguments matching any of the given name patterns.
name_test() {
  local args=() p
  for p in "$@"; do args+=(-o -name "$p"); done
  printf '%s\0' "${args[@]:1}"
}

# Deletes the DROP files under DIR; prints "COUNT BYTES NAME,NAME,…" of what it deleted.
drop_from() {
  local dir="$1" tests=() count=0 bytes=0 names="" size rel
  mapfile -d '' tests < <(name_test "${DROP[@]}")
  while IFS=' ' read -r size rel; do
    rm -f "$dir/$rel" 2>/dev/null || continue # what stays is refused by vet_stage's check below
    count=$((count + 1)) bytes=$((bytes + size)) names="$names${names:+,}${rel##*/}"
  done < <(find "$dir" \( -type f -o -type l \) \( "${tests[@]}" \) -printf '%s %P\n' | LC_ALL=C sort -k2)
  echo "$count $bytes ${names:--}"
}

# Applies the rules above to the stage's two publishes; refuses (exit 3) naming every problem.
vet_stage() {
  local stage="$1" problems=() entry rel exe f count bytes names
  for entry in "dice:dice" "$BENCH_REL:Dice.Benchmarks"; do
    rel="${entry%%:*}" exe="${entry#*:}"
    if [ ! -d "$stage/$rel" ]; then
      problems+=("$rel/: no publish of $exe there (the kit needs both publishes, dice and Dice.Benchmarks)")
      continue
    fi
    read -r count bytes names < <(drop_from "$stage/$rel")
    dropped_total=$((dropped_total + bytes))
    if [ "$count" -gt 0 ]; then
      echo "   $rel/: dropped $count file(s), $(human "$bytes"): ${names//,/, }"
      dropped_names="$dropped_names${dropped_names:+,}$names"
    fi
    for f in "$exe" libcoreclr.so libSystem.Native.so; do
      [ -f "$stage/$rel/$f" ] || problems+=("$rel/ lacks $f: it is not a self-contained linux-x64 publish of $exe")
    done
    for f in libonnxruntime.so libonnxruntime_providers_shared.so libonnxruntime_providers_cuda.so; do
      [ -f "$stage/$rel/$f" ] || problems+=("$rel/ lacks $f, which the NuGet package $ORT_PACKAGE puts in every linux-x64 publish that references it (runtime/Dice.Runtime does); without it the kit cannot run ONNX Runtime on the GPU")
    done
  done
  local tests=() left
  mapfile -d '' tests < <(name_test "${LIBTORCH_LIKE[@]}" "${DROP[@]}")
  left="$(cd "$stage" && find . \( "${tests[@]}" \) -printf '%P\n' | LC_ALL=C sort)"
  if [ -n "$left" ]; then
    problems+=("libtorch natives (or other files pack.sh drops) are left in it: ${left//$'\n'/, }. The kit serves ONNX Runtime work only and must not carry libtorch (a CUDA libtorch, from a build with -p:DiceTorchBackend=cuda, is well over a gigabyte: far more than the device time can carry in parts); publish without it, or remove them from the stage")
  fi
  if [ ${#problems[@]} -gt 0 ]; then
    fail 3 "$stage is not fit to carry to the GPU machine:" "${problems[@]}"
  fi
}

# The stage's ONNX Runtime must be the pinned one: each publish's deps.json names the package it resolved.
check_resolved_versions() {
  local stage="$1" ort="$2" entry rel exe
  for entry in "dice:dice" "$BENCH_REL:Dice.Benchmarks"; do
    rel="${entry%%:*}" exe="${entry#*:}"
    grep -q "\"$ORT_PACKAGE/$ort\"" "$stage/$rel/$exe.deps.json" 2>/dev/null ||
      fail 3 "$stage/$rel/$exe.deps.json does not name $ORT_PACKAGE/$ort, the version Directory.Packages.props pins"
  done
}

assemble_stage() {
  local stage="$1"
  command -v dotnet >/dev/null || fail 1 "dotnet (the .NET 10 SDK) is not on PATH"
  local ort ort_managed torchsharp libtorch
  ort="$(pinned_version "$ORT_PACKAGE")" ort_managed="$(pinned_version "$ORT_MANAGED_PACKAGE")"
  torchsharp="$(pinned_version TorchSharp)" libtorch="$(pinned_version libtorch-cpu-linux-x64)"
  if [ -z "$ort" ] || [ -z "$ort_managed" ]; then
    fail 1 "Directory.Packages.props pins no version of $ORT_PACKAGE and $ORT_MANAGED_PACKAGE, which the kit is built on"
  fi

  rm -rf "$stage"
  mkdir -p "$stage"
  publish cli/Dice.Cli/Dice.Cli.csproj "$stage/dice"
  publish benchmarks/Dice.Benchmarks/Dice.Benchmarks.csproj "$stage/$BENCH_REL"
  echo "== the publishes' natives"
  vet_stage "$stage"
  check_resolved_versions "$stage" "$ort"

  local torch_packages="none pinned"
  [ -z "$torchsharp" ] || torch_packages="TorchSharp $torchsharp"
  [ -z "$libtorch" ] || torch_packages="$torch_packages + libtorch-cpu-linux-x64 $libtorch"
  {
    echo "packed: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "dotnet sdk: $(dotnet --version)"
    echo "runtime identifier: linux-x64, self-contained"
    echo "onnx runtime: $ORT_PACKAGE $ort + $ORT_MANAGED_PACKAGE $ort_managed (NuGet; libonnxruntime.so, libonnxruntime_providers_shared.so and the CUDA 13 provider libonnxruntime_providers_cuda.so in dice/ and the benchmarks folder)"
    echo "libtorch: not in the kit (packages: $torch_packages); dice info reports it as unavailable. Training on the GPU machine needs TorchSharp's CUDA libtorch from a feed that has it (-p:DiceTorchBackend=cuda)"
    echo "dropped from the publishes: $(human "$dropped_total") in all: $(tr ',' '\n' <<<"${dropped_names:-nothing}" | LC_ALL=C sort -u | paste -sd ' ')"
  } >"$stage/KIT-INFO"
}

# CONTENTS, the tarball, its parts and their manifest.
seal() {
  local stage="$1"
  local odd
  odd="$(cd "$stage" && find . \( -type f -o -type l \) ! -path ./CONTENTS -printf '%P\n' | { grep -E '[[:space:]]' || true; })"
  [ -z "$odd" ] || fail 3 "file names with whitespace in $stage: ${odd//$'\n'/, }"
  if [ -n "$(cd "$stage" && find . -type l -print -quit)" ]; then
    fail 3 "$stage holds symbolic links; the kit carries plain files only"
  fi

  echo "== CONTENTS (sha256, size, path of every file)"
  (
    cd "$stage"
    find . -type f ! -path ./CONTENTS -printf '%P\n' | LC_ALL=C sort >"$out/.contents.list"
    tr '\n' '\0' <"$out/.contents.list" | xargs -0 -r sha256sum >"$out/.contents.sha"
    tr '\n' '\0' <"$out/.contents.list" | xargs -0 -r stat -c '%s' >"$out/.contents.size"
  )
  paste -d' ' <(cut -d' ' -f1 "$out/.contents.sha") "$out/.contents.size" "$out/.contents.list" >"$stage/CONTENTS"
  rm -f "$out/.contents.list" "$out/.contents.sha" "$out/.contents.size"
  cp "$stage/CONTENTS" "$out/CONTENTS"

  # The two publishes share the .NET runtime and ONNX Runtime's natives (the CUDA provider alone is 289 MB):
  # identical files become hard links, which tar stores once. ln -f replaces the name only; the file it replaces may
  # itself be a hard link into the NuGet cache, which is left as it was.
  local keep dup linked=0
  while read -r keep dup; do
    if [ "$stage/$keep" -ef "$stage/$dup" ]; then continue; fi
    if cmp -s "$stage/$keep" "$stage/$dup"; then
      ln -f "$stage/$keep" "$stage/$dup"
      linked=$((linked + $(stat -c %s "$stage/$dup")))
    fi
  done < <(LC_ALL=C sort -k1,1 -k3,3 "$stage/CONTENTS" | awk '$1 " " $2 == key { print first, $3; next } { key = $1 " " $2; first = $3 }')
  echo "   identical files stored once: $(human "$linked") saved"

  echo "== tar + gzip the kit"
  local carry="$out/carry" tarball="$out/$KIT_NAME"
  rm -rf "$carry"
  mkdir -p "$carry"
  tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner -cf - . | gzip -6 >"$tarball" ||
    fail 1 "tar + gzip of $stage into $tarball failed"

  echo "== split into parts of at most $chunk_bytes bytes"
  {
    bash "$here/chunks.sh" header
    echo "# chunk-bytes $chunk_bytes"
    bash "$here/chunks.sh" split "$tarball" "$carry" "$chunk_bytes"
  } >"$carry/MANIFEST.tmp" || fail 1 "chunks.sh split of $tarball failed"
  mv "$carry/MANIFEST.tmp" "$carry/MANIFEST"
  rm -f "$tarball"
  cp "$here/run.sh" "$here/chunks.sh" "$carry/"
  bash "$here/chunks.sh" verify "$carry/MANIFEST" >/dev/null || fail 1 "the parts just written in $carry do not verify"
}

# --- the part size ---------------------------------------------------------------------------------------------------
tree_bytes="$(working_tree_bytes)"
if [ -z "$chunk_bytes" ]; then
  chunk_bytes=$DEFAULT_CHUNK_BYTES
  if [ -n "$tree_bytes" ]; then
    room=$(((CALL_LIMIT_BYTES - CALL_MARGIN_BYTES - tree_bytes) / MIB * MIB))
    if [ "$room" -lt "$MIB" ]; then
      fail 1 "the working tree of $root is $(mib "$tree_bytes"): with it a device call has no room left for a part of the kit under its 64 MiB" \
        "make the tree smaller (untracked files travel too unless git ignores them)"
    fi
    if [ "$room" -lt "$chunk_bytes" ]; then
      echo "note: parts of $((room / MIB)) MiB instead of $((chunk_bytes / MIB)): a device call carries the working tree ($(mib "$tree_bytes")) too, 64 MiB in all"
      chunk_bytes=$room
    fi
  fi
fi

dropped_total=0 dropped_names=""
if [ -n "$from_stage" ]; then
  stage="$(cd "$from_stage" && pwd)"
  echo "== the publishes' natives"
  vet_stage "$stage"
else
  stage="$out/stage"
  assemble_stage "$stage"
fi
seal "$stage"

# --- summary and the device calls that carry it ----------------------------------------------------------------------
files=$(wc -l <"$out/CONTENTS")
kit_bytes=$(awk '{ s += $2 } END { print s + 0 }' "$out/CONTENTS")
read -r _ _ tar_bytes _ parts < <(grep '^file ' "$out/carry/MANIFEST")
echo
echo "kit: $files files, $(human "$kit_bytes") unpacked; $KIT_NAME $(human "$tar_bytes") in $parts part(s) of at most $(human "$chunk_bytes") under $out/carry"
if [ -n "$tree_bytes" ]; then
  manifest_bytes=$(stat -c %s "$out/carry/MANIFEST")
  largest=$(awk '$1 == "part" && $3 > m { m = $3 } END { print m + 0 }' "$out/carry/MANIFEST")
  per_call=$((tree_bytes + manifest_bytes + largest))
  echo "each call carries at most $(mib "$per_call"): the working tree $(mib "$tree_bytes") + MANIFEST + one part"
  if [ "$per_call" -gt "$CALL_LIMIT_BYTES" ]; then
    echo "warning: that is over the 64 MiB a device call may carry: pack again with a smaller --chunk-mib (or without it)"
  fi
fi
rel="$out/carry"
case "$rel" in "$root"/*) rel="${rel#"$root"/}" ;; esac
run="gpu-kit/run.sh"
[ "$rel" = .gpu-kit/carry ] || run="gpu-kit/run.sh --carry $rel"
case "$rel" in /*) echo "note: $rel is outside the repository, and the device tool carries paths inside it only" ;; esac
echo "Carry them over back-to-back device calls (the machine keeps them while warm, 30 s after each call):"
for ((i = 0; i < parts; i++)); do
  part="$(printf '%s.part-%03d' "$KIT_NAME" "$i")"
  if [ "$i" -lt $((parts - 1)) ]; then cmd="$run check --partial"; else cmd="$run -- dice info"; fi
  echo "  call $((i + 1)): carry [\"$rel/MANIFEST\", \"$rel/$part\"]   command: $cmd"
done
