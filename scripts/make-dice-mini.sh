#!/usr/bin/env bash
# Re-creates the embedded default model onnx-models/dice-mini from nothing but this repository:
#   1. dice mini   — tokenizer, VAE, text encoder + UNet (the teacher, phase 1), attribute classifier, ONNX export
#   2. dice tune   — teacher phase 2, from the float16-stored phase-1 weights: 1,500 steps with the inverse-SNR loss
#                    weight (layout), then 1,200 more with caption noise 0.3 (so that guidance has work to do);
#                    the tuned text encoder and UNet are converted to ONNX again (dice convert)
#      dice half   — the diffusers weights/ folder stored as float16 (the ONNX stays float32)
#   3. dice data   — the training split as an imagefolder (what `dice train` reads)
#   4. dice train  — the DICE sharpener against the frozen teacher (Algorithm 1, w = 5)
#   5. dice export — sharpener/ and text_encoder_dice/ fused ahead of the text encoder
#   6. dice eval   — the model card's table, sweeps and embedding similarities
# Usage: scripts/make-dice-mini.sh [OUT]   (default OUT: onnx-models/dice-mini; replaced only when all steps succeed)
# Same seed → same weights: every step is seeded and runs single-process on the CPU.
# Environment: DICE_MINI_SEED (0), DICE_MINI_DEVICE (cpu; cuda trains VAE, teacher and sharpener on the GPU),
# DICE_MINI_TEACHER_STEPS / DICE_MINI_TEACHER_LR / DICE_MINI_VAE_STEPS (override the full preset),
# DICE_MINI_SHARPENER_STEPS (4000), DICE_MINI_EP (cpu; the execution provider of dice eval),
# DICE_MINI_TEACHER_FROM=FOLDER (skip step 1: reuse the phase-1 teacher of a folder made by `dice mini`, or by this
# script before phase 2 existed; its weights/, ONNX components, classifier and recipe.json are copied, the rest is
# redone; a folder whose teacher was already tuned is refused).
# Inside the GPU kit (gpu-kit/run.sh sets DICE_GPU_KIT) the kit's self-contained `dice` runs instead of dotnet; the kit
# carries no libtorch (gpu-kit/README.md), so there only the ONNX Runtime steps (export, eval) can run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(realpath -m "${1:-$root/onnx-models/dice-mini}")"
seed="${DICE_MINI_SEED:-0}"
sharpener_steps="${DICE_MINI_SHARPENER_STEPS:-4000}"
sharpener_batch=16
sharpener_lr=5e-4
# The reference sharpener (inner 512, 8 heads) is sized for d = 768; dice-mini's d is 64. With c_null fixed, each
# head's attention output is a softmax mixture of 77 fixed value vectors, so heads, not width, bound what the edit
# can express: 16 heads of 16 measured best (the model card's sharpener trials).
sharpener_inner=256
sharpener_heads=16
train_images=20000
eval_prompts=500
device="${DICE_MINI_DEVICE:-cpu}"
ep="${DICE_MINI_EP:-cpu}"
overrides=()
[ -n "${DICE_MINI_TEACHER_STEPS:-}" ] && overrides+=(--teacher-steps "$DICE_MINI_TEACHER_STEPS")
[ -n "${DICE_MINI_TEACHER_LR:-}" ] && overrides+=(--teacher-lr "$DICE_MINI_TEACHER_LR")
[ -n "${DICE_MINI_VAE_STEPS:-}" ] && overrides+=(--vae-steps "$DICE_MINI_VAE_STEPS")

if [ -n "${DICE_GPU_KIT:-}" ]; then
  dice() { "$DICE_GPU_KIT/dice/dice" "$@"; }
else
  "$root/scripts/setup.sh"
  dice() { dotnet "$root/cli/Dice.Cli/bin/Release/net10.0/dice.dll" "$@"; }
fi

work="$(mktemp -d "$(dirname "$out")/.dice-mini.make.XXXXXX")"
trap 'rm -rf "$work"' EXIT
model="$work/dice-mini"
start=$(date +%s)
stage() { echo; echo "== $1 ($(( $(date +%s) - start )) s so far)"; }

if [ -n "${DICE_MINI_TEACHER_FROM:-}" ]; then
  from="$(realpath "$DICE_MINI_TEACHER_FROM")"
  stage "teacher: reused from $from"
  mkdir -p "$model"
  if [ -e "$from/training/teacher-tune.json" ]; then
    echo "error: $from already holds a phase-2 (tuned) teacher: give a folder made by dice mini (phase 1 only)" >&2; exit 1
  fi
  for part in model_index.json recipe.json scheduler tokenizer text_encoder unet vae_decoder vae_encoder classifier weights; do
    [ -e "$from/$part" ] || { echo "error: $from has no $part: not a dice-mini folder made by dice mini" >&2; exit 1; }
    cp -r "$from/$part" "$model/"
  done
else
  stage "teacher, tokenizer, VAE and classifier: dice mini --scale full"
  dice mini --scale full --seed "$seed" --device "$device" "${overrides[@]}" --out "$model"
fi

# Phase 2 starts from the float16-stored phase-1 weights, so a reused (shipped) phase-1 teacher gives the same result.
stage "teacher phase 2: dice tune"
dice half "$model/weights"
mkdir -p "$model/training"
tune_start=$(date +%s)
dice tune --weights "$model/weights" --steps 1500 --lr 5e-4 --snr-cap 20 --seed 7 --device "$device" \
  --loss-log "$model/training/teacher-tune-1.jsonl"
dice tune --weights "$model/weights" --steps 1200 --lr 5e-4 --snr-cap 20 --caption-noise 0.3 --seed 8 --device "$device" \
  --loss-log "$model/training/teacher-tune-2.jsonl"
printf '{\n  "from": "the phase-1 teacher of dice mini, stored as float16",\n  "runs": [\n    {"steps": 1500, "batch_size": 32, "learning_rate": 5e-4, "inverse_snr_weight_cap": 20, "caption_noise": 0, "seed": 7},\n    {"steps": 1200, "batch_size": 32, "learning_rate": 5e-4, "inverse_snr_weight_cap": 20, "caption_noise": 0.3, "seed": 8}\n  ],\n  "seconds": %d\n}\n' \
  "$(( $(date +%s) - tune_start ))" > "$model/training/teacher-tune.json"
dice convert "$model/weights" --components text_encoder,unet --out "$work/tuned"
rm -rf "$model/text_encoder" "$model/unet"
mv "$work/tuned/text_encoder" "$work/tuned/unet" "$model/"

# Stored as float16 before the sharpener trains, so that it learns against exactly the teacher that ships.
stage "float16 weights: dice half"
dice half "$model/weights"

stage "training images: dice data"
dice data --split train --count "$train_images" --out "$work/data"

stage "sharpener: dice train"
dice train --teacher "$model/weights" --data "$work/data" --out "$work/sharpener" --seed "$seed" \
  --steps "$sharpener_steps" --batch "$sharpener_batch" --lr "$sharpener_lr" --guidance 5 \
  --inner-dim "$sharpener_inner" --heads "$sharpener_heads" --checkpoint-every "$sharpener_steps" --device "$device"
cp "$work/sharpener.checkpoints/loss.jsonl" "$model/training/sharpener-loss.jsonl"
cp "$work/sharpener.checkpoints/validation/"*.png "$model/training/"

stage "fuse: dice export"
dice export --sharpener "$work/sharpener" --model "$model"

stage "evaluation: dice eval"
dice eval --model "$model" --count "$eval_prompts" --guidance 5 --alpha 1 --ep "$ep" \
  --alpha-sweep 0,0.5,1,1.5,2 --guidance-sweep 1,2,3,5,7.5 --embeddings --out "$model/eval"

seconds=$(( $(date +%s) - start ))
gpu=""
[ "$device" != cpu ] && gpu="$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1 || true)"
printf '{\n  "seconds": %d,\n  "machine": "%s, %s cores%s",\n  "device": "%s",\n  "teacher_reused_from": "%s",\n  "command": "scripts/make-dice-mini.sh"\n}\n' \
  "$seconds" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$(nproc)" "${gpu:+, $gpu}" "$device" \
  "${DICE_MINI_TEACHER_FROM:+$(basename "$from")}" > "$model/make.json"

# The model card (README.md) is written by hand from these numbers; it carries over to the new folder.
if [ -f "$out/README.md" ]; then cp "$out/README.md" "$model/README.md"; fi
# Replace the old folder only now that everything succeeded.
if [ -e "$out" ]; then mv "$out" "$work/previous"; fi
mv "$model" "$out"
echo
echo "dice-mini re-created in $seconds s: $out"
