#!/usr/bin/env bash
# Packs what a CUDA 13 machine without .NET needs to run Dice, into pieces small enough to carry.
#
#   gpu-kit/pack.sh [--out DIR] [--chunk-mib N | --chunk-bytes N] [--provider DIR]
#   gpu-kit/pack.sh --from-stage STAGE [--out DIR] [--chunk-mib N | --chunk-bytes N]
#
# The kit (see gpu-kit/README.md) holds
#   dice/                                                  self-contained linux-x64 publish of cli/Dice.Cli
#   benchmarks/Dice.Benchmarks/bin/Release/net10.0/        self-contained linux-x64 publish of benchmarks/Dice.Benchmarks
#                                                          (the repository's own layout, so its results land in benchmarks/results/)
#   native/torch-shim/                                     the libtorch shim's source and build.sh (built on the GPU machine)
#   provider/                                              ONNX Runtime's CUDA 13 execution provider (+ LICENSE, package.json)
#   KIT-INFO, CONTENTS                                     what was packed from where; every file with its size and sha256
# Both publishes carry libonnxruntime.so and libonnxruntime_providers_shared.so (from runtime/Dice.OnnxRuntime);
# neither carries libdice_torch.so or the CUDA provider: run.sh builds the one and links the other in.
#
# Output, under DIR (default: .gpu-kit/ in the repository, ignored by git):
#   carry/MANIFEST, carry/dice-gpu-kit.tar.gz.part-NNN     what travels: the gzipped kit in CHUNK-sized parts and
#                                                          their sizes and sha256 (default 40 MiB a part)
#   carry/run.sh, carry/chunks.sh                          copies of the scripts that unpack and run it
#   CONTENTS                                               a copy of the kit's file list, to read here
#   stage/ (the kit, unpacked), build/ (bin/ and obj/ of the publishes), cache/ (the fetched provider), empty/
# --from-stage seals an already-assembled kit folder instead of publishing (what the tests use); like a full pack,
# it writes STAGE/CONTENTS and turns identical files in STAGE into hard links of one another.
# --provider names a folder holding libonnxruntime_providers_cuda.so; by default the one
# scripts/install-cuda-provider.sh installed is used, else the pinned npm package is fetched into DIR/cache/
# (without installing it into .deps/, where every build would copy 230 MB into each output folder).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root/gpu-kit"
# shellcheck source=SCRIPTDIR/../scripts/versions.sh
source "$root/scripts/versions.sh"

readonly KIT_NAME=dice-gpu-kit.tar.gz
readonly PROVIDER=libonnxruntime_providers_cuda.so
readonly BENCH_REL=benchmarks/Dice.Benchmarks/bin/Release/net10.0

out="$root/.gpu-kit"
chunk_bytes=$((40 * 1024 * 1024))
provider_dir=""
from_stage=""

usage() {
  sed -n '2,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="${2:?--out needs a folder}"; shift 2 ;;
    --chunk-mib) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "error: --chunk-mib takes a positive whole number" >&2; exit 2; }
                 chunk_bytes=$(($2 * 1024 * 1024)); shift 2 ;;
    --chunk-bytes) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "error: --chunk-bytes takes a positive whole number" >&2; exit 2; }
                   chunk_bytes=$2; shift 2 ;;
    --provider) provider_dir="${2:?--provider needs a folder}"; shift 2 ;;
    --from-stage) from_stage="${2:?--from-stage needs a folder}"; shift 2 ;;
    -h | --help) usage ;;
    *) echo "error: unknown argument '$1'" >&2; usage ;;
  esac
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"

human() { numfmt --to=iec-i --suffix=B "$1" 2>/dev/null || echo "$1 B"; }

# The CUDA provider: --provider, else the installed one, else the pinned npm package fetched into $out/cache.
find_provider() {
  if [ -n "$provider_dir" ]; then
    [ -f "$provider_dir/$PROVIDER" ] || { echo "error: --provider $provider_dir holds no $PROVIDER" >&2; exit 1; }
    echo "$provider_dir"
    return
  fi
  local installed="$root/.deps/onnxruntime-gpu-$ORT_GPU_NPM_VERSION"
  if [ -f "$installed/.complete" ] && [ -f "$installed/$PROVIDER" ]; then
    echo "$installed"
    return
  fi
  local cache="$out/cache/onnxruntime-gpu-$ORT_GPU_NPM_VERSION"
  if [ ! -f "$cache/.complete" ]; then
    command -v npm >/dev/null || { echo "error: npm is needed to fetch $ORT_GPU_NPM_PACKAGE (or pass --provider DIR)" >&2; exit 1; }
    echo "== npm pack $ORT_GPU_NPM_PACKAGE@$ORT_GPU_NPM_VERSION (~180 MB) into $out/cache" >&2
    local tmp
    tmp="$(mktemp -d "$out/cache.tmp.XXXXXX")"
    (cd "$tmp" && npm pack --silent "$ORT_GPU_NPM_PACKAGE@$ORT_GPU_NPM_VERSION" >/dev/null)
    local tarball="$tmp/$ORT_GPU_NPM_PACKAGE-$ORT_GPU_NPM_VERSION.tgz" actual
    actual="$(sha512sum "$tarball" | cut -d' ' -f1)"
    if [ "$actual" != "$ORT_GPU_NPM_SHA512" ]; then
      echo "error: $tarball has sha512 $actual, expected $ORT_GPU_NPM_SHA512 (pinned in scripts/versions.sh)" >&2
      rm -rf "$tmp"
      exit 1
    fi
    mkdir -p "$tmp/x"
    tar --no-same-owner -xzf "$tarball" -C "$tmp/x" package/package.json package/LICENSE "package/Plugins/Linux/x64/$PROVIDER"
    if ! grep -q "\"$ORT_NPM_PACKAGE\": \"$ORT_NPM_VERSION\"" "$tmp/x/package/package.json"; then
      echo "error: $ORT_GPU_NPM_PACKAGE@$ORT_GPU_NPM_VERSION does not pair with $ORT_NPM_PACKAGE@$ORT_NPM_VERSION" >&2
      rm -rf "$tmp"
      exit 1
    fi
    mkdir -p "$tmp/out"
    mv "$tmp/x/package/Plugins/Linux/x64/$PROVIDER" "$tmp/x/package/LICENSE" "$tmp/x/package/package.json" "$tmp/out/"
    touch "$tmp/out/.complete"
    mkdir -p "$(dirname "$cache")"
    rm -rf "$cache"
    mv "$tmp/out" "$cache"
    rm -rf "$tmp"
  fi
  echo "$cache"
}

publish() {
  local project="$1" dest="$2"
  echo "== dotnet publish $project (self-contained, linux-x64) -> ${dest#"$out"/}"
  # --artifacts-path keeps every bin/ and obj/ of this build under $out/build, apart from the working tree's
  # (which other builds and tests may be using at the same time). DiceNativeBuildDir and OnnxRuntimeCudaDir point
  # at an empty folder so that neither a locally built libdice_torch.so (linked against this machine's libtorch)
  # nor a locally installed CUDA provider ends up in the publish: run.sh supplies both on the GPU machine.
  dotnet publish "$root/$project" -c Release -r linux-x64 --self-contained true --nologo \
    --artifacts-path "$out/build" -p:DiceNativeBuildDir="$out/empty/" -p:OnnxRuntimeCudaDir="$out/empty/" -o "$dest"
}

check_publish() {
  local dir="$1" exe="$2" f
  for f in "$exe" libonnxruntime.so libonnxruntime_providers_shared.so libcoreclr.so libSystem.Native.so; do
    [ -f "$dir/$f" ] || { echo "error: the publish in $dir lacks $f" >&2; exit 1; }
  done
  for f in "$PROVIDER" libdice_torch.so; do
    [ ! -e "$dir/$f" ] || { echo "error: the publish in $dir holds $f, which run.sh must supply on the GPU machine" >&2; exit 1; }
  done
}

assemble_stage() {
  local stage="$1"
  command -v dotnet >/dev/null || { echo "error: dotnet (the .NET 10 SDK) is not on PATH" >&2; exit 1; }
  [ -f "$root/.deps/onnxruntime-$ORT_NPM_VERSION/.complete" ] || {
    echo "error: ONNX Runtime $ORT_NPM_VERSION is not installed in .deps/: run scripts/setup.sh first" >&2; exit 1; }
  local provider
  provider="$(find_provider)"

  rm -rf "$stage" "$out/empty"
  mkdir -p "$stage" "$out/empty"
  publish cli/Dice.Cli/Dice.Cli.csproj "$stage/dice"
  check_publish "$stage/dice" dice
  publish benchmarks/Dice.Benchmarks/Dice.Benchmarks.csproj "$stage/$BENCH_REL"
  check_publish "$stage/$BENCH_REL" Dice.Benchmarks
  echo "   (the Dice.Torch note above is expected: the kit carries no libdice_torch.so; run.sh builds it there)"

  mkdir -p "$stage/native"
  cp -a "$root/native/torch-shim" "$stage/native/"
  mkdir -p "$stage/provider"
  cp "$provider/$PROVIDER" "$stage/provider/"
  local f
  for f in LICENSE package.json; do
    [ ! -f "$provider/$f" ] || cp "$provider/$f" "$stage/provider/"
  done

  {
    echo "packed: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "dotnet sdk: $(dotnet --version)"
    echo "runtime identifier: linux-x64, self-contained"
    echo "onnx runtime: $ORT_NPM_PACKAGE@$ORT_NPM_VERSION (libonnxruntime.so in dice/ and the benchmarks folder)"
    echo "cuda provider: $ORT_GPU_NPM_PACKAGE@$ORT_GPU_NPM_VERSION ($PROVIDER, built for CUDA 13) from $provider"
    echo "torch shim: native/torch-shim, built on the GPU machine by run.sh (build.sh pytorch)"
  } >"$stage/KIT-INFO"
}

# CONTENTS, the tarball, its parts and their manifest.
seal() {
  local stage="$1"
  [ -d "$stage" ] || { echo "error: no stage folder at $stage" >&2; exit 1; }
  stage="$(cd "$stage" && pwd)"
  local odd
  odd="$(cd "$stage" && find . \( -type f -o -type l \) ! -path ./CONTENTS -printf '%P\n' | { grep -E '[[:space:]]' || true; })"
  [ -z "$odd" ] || { echo "error: file names with whitespace in $stage: $odd" >&2; exit 1; }
  if [ -n "$(cd "$stage" && find . -type l -print -quit)" ]; then
    echo "error: $stage holds symbolic links; the kit carries plain files only" >&2
    exit 1
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

  # The two publishes share the .NET runtime and libonnxruntime.so (about 100 MB): identical files become hard
  # links, which tar stores once.
  local keep dup linked=0
  while read -r keep dup; do
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
  tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner -cf - . | gzip -6 >"$tarball"

  echo "== split into parts of at most $chunk_bytes bytes"
  {
    bash "$here/chunks.sh" header
    echo "# chunk-bytes $chunk_bytes"
    bash "$here/chunks.sh" split "$tarball" "$carry" "$chunk_bytes"
  } >"$carry/MANIFEST.tmp"
  mv "$carry/MANIFEST.tmp" "$carry/MANIFEST"
  rm -f "$tarball"
  cp "$here/run.sh" "$here/chunks.sh" "$carry/"
  bash "$here/chunks.sh" verify "$carry/MANIFEST" >/dev/null
}

if [ -n "$from_stage" ]; then
  seal "$from_stage"
else
  assemble_stage "$out/stage"
  seal "$out/stage"
fi

# Summary and the device calls that carry it.
files=$(wc -l <"$out/CONTENTS")
kit_bytes=$(awk '{ s += $2 } END { print s + 0 }' "$out/CONTENTS")
read -r _ _ tar_bytes _ parts < <(grep '^file ' "$out/carry/MANIFEST")
echo
echo "kit: $files files, $(human "$kit_bytes") unpacked; $KIT_NAME $(human "$tar_bytes") in $parts part(s) under ${out}/carry"
rel="$out/carry"
case "$rel" in "$root"/*) rel="${rel#"$root"/}" ;; esac
run="gpu-kit/run.sh"
[ "$rel" = .gpu-kit/carry ] || run="gpu-kit/run.sh --carry $rel"
echo "Carry them over back-to-back device calls (the machine keeps them while warm, 30 s after each call):"
for ((i = 0; i < parts; i++)); do
  part="$(printf '%s.part-%03d' "$KIT_NAME" "$i")"
  if [ "$i" -lt $((parts - 1)) ]; then cmd="$run check --partial"; else cmd="$run -- dice info"; fi
  echo "  carry [\"$rel/MANIFEST\", \"$rel/$part\"]   command: $cmd"
done
