#!/usr/bin/env bash
# The one test command: set up (idempotent), then run every test in Dice.sln in two tiers: the default tier first,
# then the slow tier of whole-artifact checks (tests marked [Trait("Tier", "Slow")]; see tests/Shared/Tier.cs).
#   scripts/test.sh           both tiers (what CI runs)
#   scripts/test.sh default   the default tier only
#   scripts/test.sh slow      the slow tier only
# Prints each tier's "N passed, M failed" and time, then the totals as its closing line; exits non-zero if anything failed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tiers="${1:-all}"
case "$tiers" in
  all|default|slow) ;;
  *) echo "scripts/test.sh: unknown tier '$tiers': use default, slow or nothing for both"; exit 2 ;;
esac
"$root/scripts/setup.sh" || { echo "set-up failed"; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Fixtures that take minutes (a smoke-scale dice-mini, 20,000 training images) are built once per run and shared by
# every test assembly (tests/Shared/SharedArtifacts.cs).
DICE_TEST_ARTIFACTS="$(mktemp -d -t dice-test-artifacts.XXXXXX)"
export DICE_TEST_ARTIFACTS
log="$(mktemp)"
trap 'rm -rf "$log" "$DICE_TEST_ARTIFACTS"' EXIT

# dotnet test prints one summary per test assembly: "Passed!  - Failed: 0, Passed: 81, Skipped: 0, …"
count() { grep -oE "$1: +[0-9]+" "$2" | awk '{ s += $2 } END { print s + 0 }'; }
total_passed=0 total_failed=0 total_skipped=0 status=0
summary=()
run_tier() {
  local name="$1" filter="$2" start=$SECONDS
  printf '\n== %s tier (%s)\n' "$name" "$filter"
  dotnet test "$root/Dice.sln" -c Release --no-build --nologo --filter "$filter" 2>&1 | tee "$log"
  local tier_status=${PIPESTATUS[0]}
  local passed failed skipped minutes
  passed=$(count Passed "$log") failed=$(count Failed "$log") skipped=$(count Skipped "$log")
  minutes=$(awk -v s=$((SECONDS - start)) 'BEGIN { printf "%d min %02d s", s / 60, s % 60 }')
  summary+=("$name tier: $passed passed, $failed failed, $skipped skipped in $minutes")
  total_passed=$((total_passed + passed)) total_failed=$((total_failed + failed)) total_skipped=$((total_skipped + skipped))
  if [ "$tier_status" -ne 0 ] || [ "$passed" -eq 0 ]; then
    status=1
  fi
}
[ "$tiers" = slow ] || run_tier default "Tier!=Slow"
[ "$tiers" = default ] || run_tier slow "Tier=Slow"

echo
printf '%s\n' "${summary[@]}"
echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
exit "$status"
