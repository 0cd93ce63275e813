#!/usr/bin/env bash
# Times the same three pieces of work on an earlier commit of Dice and on this working tree, interleaved on one
# machine in one run, and writes the table with the ratios (new / old):
#   teacher    one dice-mini teacher training step at batch 32      (dice tune --batch 32, on dice-mini's weights)
#   sharpener  one sharpener training step at batch 16              (dice train --batch 16, dice-mini's teacher)
#   unet-256   one SD1.5-configuration UNet call at 256×256 (32×32 latent, batch 1), CPU execution provider
#              (dice generate --mode unguided on `dice convert --preset sd15 --random-weights`)
#
#   benchmarks/compare-stacks.sh [--old REV] [--repeats N] [--out FILE]
#       --old      the commit to compare against (default 010d3f6: the last one on Debian's libtorch 1.13 and the npm
#                  build of ONNX Runtime 1.29)
#       --repeats  interleaved rounds (default 5); each figure is the median over rounds
#       --out      the Markdown report (default benchmarks/results/stack-comparison.md)
#
# Each figure is a difference of two runs of the same command that differ only in their step count, divided by the
# difference: loading, data preparation, the text encoder, the VAE and the final checkpoint cancel out. dice tune and
# dice generate report the seconds of their own work, which is taken where given (it leaves out process start and model
# loading, the noisiest parts); dice train's is its wall time. Both builds
# run the same commands on the same input files (made once, by this tree's dice). The old commit is checked out into
# .stack-comparison/old (ignored by git) and set up with its own scripts/setup.sh (which installs its apt packages
# and fetches its npm package); this tree is set up with scripts/setup.sh. About 20 minutes at 5 rounds on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

old_rev=010d3f6
repeats=5
out="$root/benchmarks/results/stack-comparison.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --old) old_rev="${2:?--old needs a commit}"; shift 2 ;;
    --repeats) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "error: --repeats takes a positive whole number" >&2; exit 2; }
               repeats=$2; shift 2 ;;
    --out) out="${2:?--out needs a file}"; shift 2 ;;
    *) echo "error: unknown argument '$1' (usage: benchmarks/compare-stacks.sh [--old REV] [--repeats N] [--out FILE])" >&2; exit 2 ;;
  esac
done
git rev-parse --verify --quiet "$old_rev^{commit}" >/dev/null || { echo "error: '$old_rev' is not a commit of this repository" >&2; exit 2; }

work="$root/.stack-comparison"
old_tree="$work/old"
inputs="$work/inputs"
mkdir -p "$work"

# ----- the two builds -------------------------------------------------------------------------------------------
echo "== this tree: scripts/setup.sh"
"$root/scripts/setup.sh" >/dev/null
if [ ! -d "$old_tree" ] || [ "$(git -C "$old_tree" rev-parse HEAD)" != "$(git rev-parse "$old_rev^{commit}")" ]; then
  rm -rf "$old_tree"
  git worktree prune
  git worktree add --detach "$old_tree" "$old_rev" >/dev/null
fi
echo "== $old_rev: its scripts/setup.sh"
"$old_tree/scripts/setup.sh" >/dev/null

new_dice="$root/cli/Dice.Cli/bin/Release/net10.0/dice.dll"
old_dice="$old_tree/cli/Dice.Cli/bin/Release/net10.0/dice.dll"

# ----- inputs, made once by this tree ---------------------------------------------------------------------------
if [ ! -f "$inputs/.complete" ]; then
  echo "== inputs (SD1.5 configuration with random weights, dice-mini training images)"
  rm -rf "$inputs"
  mkdir -p "$inputs"
  dotnet "$new_dice" convert --preset sd15 --random-weights --dtype fp32 --components text_encoder,unet,vae_decoder \
    --out "$inputs/sd15" >/dev/null
  dotnet "$new_dice" data --split train --count 256 --out "$inputs/data" >/dev/null
  touch "$inputs/.complete"
fi
teacher="$root/onnx-models/dice-mini/weights"

# ----- the timed commands ---------------------------------------------------------------------------------------
now() { date +%s.%N; }

# run_case BUILD CASE STEPS: prints the seconds of one run: the time the command reports for its own work where it
# reports one (dice tune: its steps with their data; dice generate: the generation, sessions already loaded), else
# the wall time of the whole command.
run_case() {
  local dll="$1" case="$2" steps="$3" scratch start end said
  scratch="$(mktemp -d "$work/run.XXXXXX")"
  case "$case" in
    teacher)
      cp -r "$teacher" "$scratch/weights"   # dice tune rewrites the weights folder in place
      # "tuned FOLDER: N steps in X s, last loss L"
      said=$(dotnet "$dll" tune --weights "$scratch/weights" --steps "$steps" --batch 32 --seed 0 --device cpu 2>>"$work/runs.log")
      echo "$said" | sed -n 's/.* steps in \([0-9.]*\) s.*/\1/p' | tail -1 ;;
    sharpener)
      start=$(now)
      dotnet "$dll" train --teacher "$teacher" --data "$inputs/data" --out "$scratch/sharpener" --steps "$steps" \
        --batch 16 --seed 0 --checkpoint-every 100000 --validation-steps 0 --inner-dim 256 --heads 16 --device cpu >/dev/null 2>>"$work/runs.log"
      end=$(now)
      awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f", b - a }' ;;
    unet-256)
      # "unguided: 1 image(s), N UNet calls, X s"
      said=$(dotnet "$dll" generate "a photograph of an astronaut riding a horse" --model "$inputs/sd15" --mode unguided \
        --steps "$steps" --height 256 --width 256 --seed 0 --ep cpu --out "$scratch/image.png" 2>>"$work/runs.log")
      echo "$said" | sed -n 's/.* UNet calls, \([0-9.]*\) s$/\1/p' | tail -1 ;;
  esac
  rm -rf "$scratch"
}

declare -A short=([teacher]=4 [sharpener]=2 [unet-256]=2)
declare -A long=([teacher]=34 [sharpener]=22 [unet-256]=12)
declare -A samples
cases=(teacher sharpener unet-256)

for round in $(seq 1 "$repeats"); do
  for case in "${cases[@]}"; do
    # Alternate which build goes first, so a drift of the machine's speed does not favour one.
    if [ $((round % 2)) -eq 1 ]; then builds=(old new); else builds=(new old); fi
    for build in "${builds[@]}"; do
      dll=$([ "$build" = old ] && echo "$old_dice" || echo "$new_dice")
      t_short=$(run_case "$dll" "$case" "${short[$case]}")
      t_long=$(run_case "$dll" "$case" "${long[$case]}")
      [ -n "$t_short" ] && [ -n "$t_long" ] || { echo "error: $build $case printed no time (see $work/runs.log)" >&2; exit 1; }
      per_step=$(awk -v a="$t_short" -v b="$t_long" -v n="$((long[$case] - short[$case]))" 'BEGIN { printf "%.6f", (b - a) / n }')
      samples[$build,$case]+="$per_step "
      printf 'round %d  %-9s %-3s  %.3f s a step\n' "$round" "$case" "$build" "$per_step"
    done
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# ----- report ---------------------------------------------------------------------------------------------------
cpu="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
old_desc="$(git log -1 --format='%h' "$old_rev")"
new_desc="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!benchmarks/results' || echo ' + uncommitted changes')"
mkdir -p "$(dirname "$out")"
tmp="$(mktemp "$out.XXXXXX")"
{
  echo "# Stack comparison: $old_desc against $new_desc"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on $cpu, $(uname -sr), one run of \`benchmarks/compare-stacks.sh --old $old_rev --repeats $repeats\`"
  echo "(the two builds interleaved; each figure the median over $repeats rounds of (time at the long step count − time at the"
  echo "short one) / (long − short))."
  echo
  echo "| what | steps (short → long) | $old_desc (s) | $new_desc (s) | new / old | rounds, old | rounds, new |"
  echo "|---|---|---:|---:|---:|---|---|"
  for case in "${cases[@]}"; do
    o=$(echo "${samples[old,$case]}" | median)
    n=$(echo "${samples[new,$case]}" | median)
    ratio=$(awk -v a="$o" -v b="$n" 'BEGIN { printf "%.6f", b / a }')
    label=$(case "$case" in
      teacher) echo "dice-mini teacher training step, batch 32" ;;
      sharpener) echo "sharpener training step, batch 16 (inner 256, 16 heads)" ;;
      unet-256) echo "SD1.5-configuration UNet call, 256×256, batch 1" ;;
    esac)
    printf '| %s | %d → %d | %.3f | %.3f | **%.2f** | %s| %s|\n' "$label" "${short[$case]}" "${long[$case]}" "$o" "$n" "$ratio" \
      "$(printf '%.3f ' ${samples[old,$case]})" "$(printf '%.3f ' ${samples[new,$case]})"
  done
} >"$tmp"
mv "$tmp" "$out"
echo
cat "$out"
