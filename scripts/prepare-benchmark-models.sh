#!/usr/bin/env bash
# Makes the model folders the DICE-vs-CFG benchmark suites (benchmarks/Dice.Benchmarks/DiceVsCfg) run on.
# Idempotent: a folder that already has its text_encoder_dice is left alone; a half-made one is finished.
#
#   scripts/prepare-benchmark-models.sh
#       The SD1.5 architecture with random weights (fp32; text_encoder, unet, vae_decoder) plus a text_encoder_dice
#       fused from a random 1.8M-parameter sharpener (d 768, inner 512, 8 heads), into
#       $DICE_BENCHMARK_SD15_MODEL (default benchmarks/.models/sd15-dice, ignored by git; about 4.6 GB).
#   scripts/prepare-benchmark-models.sh --mini-smoke DIR
#       A stand-in for dice-mini while the real one is not there: `dice mini --scale smoke` plus a random
#       sharpener fused the same way, into DIR. Point DICE_BENCHMARK_MINI_MODEL at DIR to benchmark it.
#
# Latency does not depend on weight values, so random weights measure what trained ones would.
# Uses the built dice CLI and Dice.Benchmarks (its random-sharpener verb); runs scripts/setup.sh first if either
# is not built yet.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

usage() { echo "usage: scripts/prepare-benchmark-models.sh [--mini-smoke DIR]" >&2; exit 2; }

mini_out=""
case "$#" in
  0) ;;
  2) [ "$1" = "--mini-smoke" ] || usage; mini_out="$2" ;;
  *) usage ;;
esac

dice_dll="$root/cli/Dice.Cli/bin/Release/net10.0/dice.dll"
bench_dll="$root/benchmarks/Dice.Benchmarks/bin/Release/net10.0/Dice.Benchmarks.dll"
if [ ! -f "$dice_dll" ] || [ ! -f "$bench_dll" ]; then
  "$root/scripts/setup.sh"
fi
dice() { dotnet "$dice_dll" "$@"; }
random_sharpener() { dotnet "$bench_dll" random-sharpener "$@"; }

work=""
trap '[ -z "$work" ] || rm -rf "$work"' EXIT

# Fuses a random sharpener sized for the folder's text encoder into $1 (writes sharpener/ and text_encoder_dice/).
fuse_random_sharpener() {
  local model="$1"
  work="$(mktemp -d "${TMPDIR:-/tmp}/dice-random-sharpener.XXXXXX")"
  random_sharpener --model "$model" --seed 0 --out "$work/sharpener"
  dice export --sharpener "$work/sharpener" --model "$model"
}

if [ -n "$mini_out" ]; then
  if [ -f "$mini_out/text_encoder_dice/model.onnx" ]; then
    echo "dice-mini stand-in present: $mini_out"
    exit 0
  fi
  if [ ! -f "$mini_out/unet/model.onnx" ]; then
    echo "== dice mini --scale smoke --out $mini_out"
    dice mini --scale smoke --seed 0 --force --out "$mini_out"
  fi
  echo "== random sharpener → $mini_out/text_encoder_dice"
  fuse_random_sharpener "$mini_out"
  echo "dice-mini stand-in ready: DICE_BENCHMARK_MINI_MODEL=$mini_out"
  exit 0
fi

sd15="${DICE_BENCHMARK_SD15_MODEL:-$root/benchmarks/.models/sd15-dice}"
if [ -f "$sd15/text_encoder_dice/model.onnx" ]; then
  echo "SD1.5 benchmark model present: $sd15"
  exit 0
fi
if [ ! -f "$sd15/unet/model.onnx" ] || [ ! -f "$sd15/text_encoder/model.onnx" ] || [ ! -f "$sd15/vae_decoder/model.onnx" ]; then
  echo "== dice convert --preset sd15 --random-weights → $sd15"
  mkdir -p "$(dirname "$sd15")"
  dice convert --preset sd15 --random-weights --seed 0 --dtype fp32 --components text_encoder,unet,vae_decoder --force --out "$sd15"
fi
echo "== random sharpener → $sd15/text_encoder_dice"
fuse_random_sharpener "$sd15"
echo "SD1.5 benchmark model ready: $sd15"
