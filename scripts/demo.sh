#!/usr/bin/env bash
# The newcomer's first command: install and build everything, then run the main job on the embedded default
# model, dice-mini: one DICE image (one UNet call per step), then unguided | CFG | DICE side by side with each
# panel's wall time and UNet calls.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
dice() { dotnet "$root/cli/Dice.Cli/bin/Release/net10.0/dice.dll" "$@"; }
prompt="${1:-a large red circle on the left on a blue background}"
echo
dice generate "$prompt" --seed 0 --out dice-demo.png
dice generate "$prompt" --seed 0 --batch 4 --guidance 5 --compare --out dice-demo-compare.png
