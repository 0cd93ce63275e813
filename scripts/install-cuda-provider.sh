#!/usr/bin/env bash
# Opt-in: installs ONNX Runtime's CUDA execution provider for Dice (not part of scripts/setup.sh).
#
# The npm package com.github.asus4.onnxruntime.linux-x64-gpu holds only provider libraries, no
# libonnxruntime.so of its own: libonnxruntime_providers_cuda.so (built for CUDA 13), a
# libonnxruntime_providers_shared.so with the same two exports as the one setup.sh already installed,
# and libonnxruntime_providers_tensorrt.so (needs TensorRT, which Dice does not use). Only the CUDA
# provider is unpacked, into .deps/onnxruntime-gpu-<version>/; the next build copies it beside
# libonnxruntime.so, where Dice.Runtime loads it as an execution-provider library.
#
#   scripts/install-cuda-provider.sh              install (idempotent), then report what the host lacks
#   scripts/install-cuda-provider.sh --uninstall  remove it again (the default build is CPU-only)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/versions.sh
source "$root/scripts/versions.sh"

gpu_dir="$root/.deps/onnxruntime-gpu-$ORT_GPU_NPM_VERSION"
provider=libonnxruntime_providers_cuda.so
host_libs=(libcuda.so.1 libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libcurand.so.10 libcudnn.so.9)

case "${1:-}" in
  "") ;;
  --uninstall)
    rm -rf "$gpu_dir"
    echo "removed $gpu_dir"
    echo "Build outputs still hold their copy of $provider until cleaned (dotnet clean, or delete bin/)."
    exit 0
    ;;
  *)
    echo "usage: $0 [--uninstall]" >&2
    exit 2
    ;;
esac

if [ ! -f "$root/.deps/onnxruntime-$ORT_NPM_VERSION/.complete" ]; then
  echo "warning: ONNX Runtime $ORT_NPM_VERSION (the CPU package) is not installed yet: run scripts/setup.sh too." >&2
fi

if [ -f "$gpu_dir/.complete" ]; then
  echo "CUDA execution provider $ORT_GPU_NPM_VERSION present: $gpu_dir"
else
  echo "== npm pack $ORT_GPU_NPM_PACKAGE@$ORT_GPU_NPM_VERSION (~180 MB)"
  mkdir -p "$root/.deps"
  tmp="$(mktemp -d "$root/.deps/tmp-gpu.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$ORT_GPU_NPM_PACKAGE@$ORT_GPU_NPM_VERSION" >/dev/null)
  tarball="$tmp/$ORT_GPU_NPM_PACKAGE-$ORT_GPU_NPM_VERSION.tgz"
  actual="$(sha512sum "$tarball" | cut -d' ' -f1)"
  if [ -n "${ORT_GPU_NPM_SHA512:-}" ]; then
    if [ "$actual" != "$ORT_GPU_NPM_SHA512" ]; then
      echo "error: $tarball has sha512 $actual, expected $ORT_GPU_NPM_SHA512 (pinned in scripts/versions.sh)" >&2
      exit 1
    fi
  else
    echo "note: no ORT_GPU_NPM_SHA512 in scripts/versions.sh; this tarball's sha512 is $actual"
  fi

  mkdir -p "$tmp/x"
  tar --no-same-owner -xzf "$tarball" -C "$tmp/x" package/package.json package/LICENSE "package/Plugins/Linux/x64/$provider"
  # The provider must come from the same release as the CPU package's libonnxruntime.so.
  if ! grep -q "\"com.github.asus4.onnxruntime\": \"$ORT_NPM_VERSION\"" "$tmp/x/package/package.json"; then
    echo "error: $ORT_GPU_NPM_PACKAGE@$ORT_GPU_NPM_VERSION does not pair with com.github.asus4.onnxruntime@$ORT_NPM_VERSION:" >&2
    grep -A2 '"dependencies"' "$tmp/x/package/package.json" >&2
    exit 1
  fi

  mkdir -p "$tmp/out"
  mv "$tmp/x/package/Plugins/Linux/x64/$provider" "$tmp/x/package/LICENSE" "$tmp/x/package/package.json" "$tmp/out/"
  touch "$tmp/out/.complete"
  rm -rf "$gpu_dir"
  mv "$tmp/out" "$gpu_dir"
  rm -rf "$tmp"
  trap - EXIT
  echo "installed $gpu_dir/$provider"
fi

# What the host still needs: the NVIDIA driver, the CUDA 13 runtime libraries and cuDNN 9.
found_on_host() {
  local soname="$1" dir dirs
  IFS=: read -r -a dirs <<<"${LD_LIBRARY_PATH:-}"
  for dir in "${dirs[@]}"; do
    [ -n "$dir" ] && [ -e "$dir/$soname" ] && return 0
  done
  ldconfig -p 2>/dev/null | grep -q "^[[:space:]]*$soname "
}

missing=()
for lib in "${host_libs[@]}"; do
  found_on_host "$lib" || missing+=("$lib")
done

echo
echo "Next: rebuild (e.g. dotnet build) so $provider is copied beside libonnxruntime.so, then use --ep cuda."
if [ ${#missing[@]} -eq 0 ]; then
  echo "The host provides every library the CUDA provider loads: ${host_libs[*]}"
  exit 0
fi

echo "The host still lacks: ${missing[*]}"
echo "The CUDA provider needs the NVIDIA driver (libcuda.so.1), the CUDA 13 runtime libraries"
echo "(libcudart.so.13, libcublas.so.13, libcublasLt.so.13, libcurand.so.10) and cuDNN 9 (libcudnn.so.9)."
echo "A PyTorch built for CUDA 13 (cu130) ships them in its site-packages/nvidia/*/lib folders; put those on"
echo "LD_LIBRARY_PATH before starting dice (it is read when the process starts):"
nvidia_libs=""
if command -v python3 >/dev/null 2>&1; then
  nvidia_libs="$(python3 -c 'import glob, nvidia; print(":".join(sorted(d for p in nvidia.__path__ for d in glob.glob(p + "/*/lib"))))' 2>/dev/null || true)"
fi
if [ -n "$nvidia_libs" ]; then
  echo "  export LD_LIBRARY_PATH=\"$nvidia_libs\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}\""
else
  # shellcheck disable=SC2016
  echo '  export LD_LIBRARY_PATH="$(python3 -c '"'"'import glob, nvidia; print(":".join(sorted(d for p in nvidia.__path__ for d in glob.glob(p + "/*/lib"))))'"'"')${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"'
fi
