#!/usr/bin/env bash
# The newcomer's first command: install and build everything, then run the main job.
# (Until the embedded dice-mini model lands, the main job is `dice info`: what this machine can run.)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
echo
exec dotnet "$root/cli/Dice.Cli/bin/Release/net10.0/dice.dll" info
