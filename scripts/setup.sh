#!/usr/bin/env bash
# Installs everything Dice needs on a fresh Debian 12 machine and builds the solution.
# Idempotent: a second run skips every step that is already done.
#   scripts/setup.sh            apt + dotnet build (Release)
#   DICE_SKIP_BUILD=1 scripts/setup.sh    everything but the dotnet build
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

step() { printf '\n== %s\n' "$*"; }
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Debian packages: onnx.proto for the exporter (C# is generated from it at build time), and ICU (libicu72) for the
#    Unicode composition (NFC) of non-ASCII prompts in CLIP's clean-up (the .NET SDK needs it too). The trainer's
#    libtorch comes from NuGet with TorchSharp (it brings its own BLAS and OpenMP: no system BLAS, compiler or
#    libtorch-dev), as does ONNX Runtime. fonts-dejavu-core: the TrueType font dice eval's plots load by path. time and strace:
#    the tests measure a process's peak memory (GNU time) and trace the files it opens (strace).
apt_packages=(libonnx-dev libicu72 fonts-dejavu-core time strace)
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

# 2. The solution (NuGet restores ONNX Runtime, with its CUDA 13 provider, TorchSharp with libtorch, and the other
#    packages; on Debian 12 the build marks one unused libstdc++ version need of TorchSharp's native library weak, see
#    build/LibTorchSharp.targets).
if [ "${DICE_SKIP_BUILD:-0}" != "1" ]; then
  step "dotnet build Dice.sln (Release)"
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
  dotnet build "$root/Dice.sln" -c Release -nologo -v:q -clp:ErrorsOnly
fi
echo
echo "setup done."
