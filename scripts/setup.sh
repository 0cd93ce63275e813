#!/usr/bin/env bash
# Installs everything Dice needs on a fresh Debian 12 machine, builds the native shim and the solution.
# Idempotent: a second run skips every step that is already done.
#   scripts/setup.sh            apt + native shim + dotnet build (Release)
#   DICE_SKIP_BUILD=1 scripts/setup.sh    everything but the dotnet build
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

step() { printf '\n== %s\n' "$*"; }
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Debian packages: libtorch (CPU) for the trainer's tensor engine, onnx.proto for the exporter, g++, and OpenBLAS:
#    libtorch's matrix products go through libblas.so.3, which is Debian's slow reference BLAS unless an optimised one
#    is installed (OpenBLAS registers itself as the preferred alternative); it makes a dice-mini teacher step ~4x faster.
#    ICU (libicu72) for the Unicode composition (NFC) of non-ASCII prompts in CLIP's clean-up (the .NET SDK needs it too).
apt_packages=(libtorch-dev libonnx-dev g++ libopenblas0-openmp libicu72)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "apt packages present: ${apt_packages[*]}"
fi

# 2. The libtorch shim.
step "native shim"
"$root/native/torch-shim/build.sh" debian

# 3. The solution (NuGet restores ONNX Runtime, with its CUDA 13 provider, and the other packages).
if [ "${DICE_SKIP_BUILD:-0}" != "1" ]; then
  step "dotnet build Dice.sln (Release)"
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
  dotnet build "$root/Dice.sln" -c Release -nologo -v:q -clp:ErrorsOnly
fi
echo
echo "setup done."
