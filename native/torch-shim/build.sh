#!/usr/bin/env bash
# Builds libdice_torch.so, the C shim over libtorch that trainer/Dice.Torch calls.
#   native/torch-shim/build.sh            against Debian's libtorch (apt: libtorch-dev), CPU only
#   native/torch-shim/build.sh pytorch    against the libtorch inside python3's PyTorch (CUDA if it has it)
# Output: native/build/<flavour>/libdice_torch.so. Rebuilds only when the source or this script changed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
flavour="${1:-debian}"
out="$here/../build/$flavour"
lib="$out/libdice_torch.so"
src="$here/dice_torch.cpp"

case "$flavour" in
  debian)
    if [ ! -f /usr/include/torch/csrc/api/include/torch/cuda.h ]; then
      echo "error: libtorch headers not found; install them with: sudo apt-get install -y --no-install-recommends libtorch-dev" >&2
      exit 1
    fi
    cflags=(-I/usr/include/torch/csrc/api/include)
    ldflags=(-ltorch -ltorch_cpu -lc10)
    ;;
  pytorch)
    torch_dir="$(python3 -c 'import os, torch; print(os.path.dirname(torch.__file__))')" || {
      echo "error: python3 cannot import torch; install PyTorch or use the debian flavour" >&2; exit 1; }
    abi="$(python3 -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')"
    cflags=(-I"$torch_dir/include" -I"$torch_dir/include/torch/csrc/api/include" -D_GLIBCXX_USE_CXX11_ABI="$abi")
    ldflags=(-L"$torch_dir/lib" -Wl,-rpath,"$torch_dir/lib" -Wl,--no-as-needed -ltorch -ltorch_cpu -lc10)
    if [ -f "$torch_dir/lib/libtorch_cuda.so" ]; then ldflags+=(-ltorch_cuda -lc10_cuda); fi
    ldflags+=(-Wl,--as-needed)
    ;;
  *) echo "error: unknown flavour '$flavour' (use debian or pytorch)" >&2; exit 2 ;;
esac

stamp="$(cat "$src" "$here/build.sh" | sha256sum | cut -c1-16)-$flavour"
if [ -f "$lib" ] && [ "$(cat "$out/.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "libdice_torch ($flavour) is up to date: $lib"
  exit 0
fi
mkdir -p "$out"
echo "building libdice_torch ($flavour) ..."
tmp="$out/.libdice_torch.so.tmp"
g++ -O2 -shared -fPIC -std=c++17 -fvisibility=hidden -Wall -Wno-unused-parameter "${cflags[@]}" "$src" -o "$tmp" "${ldflags[@]}"
mv -f "$tmp" "$lib"
echo "$stamp" > "$out/.stamp"
echo "built $lib"
