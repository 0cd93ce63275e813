#!/usr/bin/env bash
# Splits files into numbered parts small enough to carry, records them in a manifest, and puts them
# back together byte-exactly, checking every size and sha256 on the way. Used by pack.sh (split) and
# run.sh (verify, join); needs only bash and coreutils (split, sha256sum, stat, cat).
#
#   chunks.sh split FILE OUTDIR CHUNK_BYTES   writes OUTDIR/NAME.part-000, -001, … and prints their manifest lines
#   chunks.sh verify [--allow-missing] MANIFEST [DIR]
#                                             checks the parts MANIFEST lists (in DIR, default: MANIFEST's folder);
#                                             names every missing and corrupt part. --allow-missing: only corrupt
#                                             parts fail (for checking a kit that is still being carried over)
#   chunks.sh join MANIFEST OUTDIR [DIR]      verifies, then rebuilds each file into OUTDIR and checks its sha256
#   chunks.sh header                          prints the manifest's first line
#
# Manifest (text, one record a line, '#' lines are comments; names never hold whitespace):
#   file NAME SIZE SHA256 PARTS               a carried file, followed by its PARTS part records in order
#   part PARTNAME SIZE SHA256
# Exit status: 0 fine, 1 missing or corrupt parts (or a rebuilt file that does not match), 2 bad usage or manifest.
set -euo pipefail

readonly MANIFEST_HEADER="# dice gpu-kit manifest 1"

die_usage() {
  echo "chunks.sh: $*" >&2
  echo "usage: chunks.sh split FILE OUTDIR CHUNK_BYTES | verify [--allow-missing] MANIFEST [DIR] | join MANIFEST OUTDIR [DIR] | header" >&2
  exit 2
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
size_of() { stat -c %s "$1"; }

cmd_split() {
  [ $# -eq 3 ] || die_usage "split takes FILE OUTDIR CHUNK_BYTES"
  local file="$1" outdir="$2" chunk="$3"
  [ -f "$file" ] || die_usage "no such file: $file"
  [[ "$chunk" =~ ^[1-9][0-9]*$ ]] || die_usage "CHUNK_BYTES must be a positive whole number, not '$chunk'"
  local name
  name="$(basename "$file")"
  [[ "$name" =~ ^[A-Za-z0-9._+-]+$ ]] || die_usage "file names may hold only letters, digits and . _ + -: '$name'"
  mkdir -p "$outdir"
  rm -f "$outdir/$name".part-*

  local size parts
  size="$(size_of "$file")"
  parts=$(((size + chunk - 1) / chunk))
  if [ "$parts" -gt 1000 ]; then
    die_usage "$name would need $parts parts (at most 1000): use a larger CHUNK_BYTES"
  fi
  if [ "$size" -gt 0 ]; then
    split -b "$chunk" -d -a 3 "$file" "$outdir/$name.part-"
  fi

  echo "file $name $size $(sha256_of "$file") $parts"
  local i part
  for ((i = 0; i < parts; i++)); do
    part="$(printf '%s.part-%03d' "$name" "$i")"
    [ -f "$outdir/$part" ] || { echo "chunks.sh: split did not write $outdir/$part" >&2; exit 1; }
    echo "part $part $(size_of "$outdir/$part") $(sha256_of "$outdir/$part")"
  done
}

# Reads MANIFEST into the arrays below, checking its shape.
file_names=() file_sizes=() file_shas=() file_parts=() file_first=()
part_names=() part_sizes=() part_shas=()
read_manifest() {
  local manifest="$1" line kind name size sha count extra expected_parts=0 lineno=1
  [ -f "$manifest" ] || { echo "chunks.sh: no manifest at $manifest" >&2; exit 2; }
  IFS= read -r line <"$manifest" || true
  [ "$line" = "$MANIFEST_HEADER" ] || { echo "chunks.sh: $manifest is not a gpu-kit manifest (first line: '$line')" >&2; exit 2; }
  while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    case "$line" in '' | '#'*) continue ;; esac
    read -r kind name size sha count extra <<<"$line"
    if [ "$kind" = file ] && [ "$expected_parts" -eq 0 ] && [ -n "${count:-}" ] && [ -z "${extra:-}" ] \
      && [[ "$size" =~ ^[0-9]+$ && "$sha" =~ ^[0-9a-f]{64}$ && "$count" =~ ^[0-9]+$ && "$name" =~ ^[A-Za-z0-9._+-]+$ ]]; then
      file_names+=("$name") file_sizes+=("$size") file_shas+=("$sha") file_parts+=("$count") file_first+=("${#part_names[@]}")
      expected_parts="$count"
    elif [ "$kind" = part ] && [ "$expected_parts" -gt 0 ] && [ -z "${count:-}" ] \
      && [[ "$size" =~ ^[0-9]+$ && "$sha" =~ ^[0-9a-f]{64}$ && "$name" =~ ^[A-Za-z0-9._+-]+$ ]]; then
      part_names+=("$name") part_sizes+=("$size") part_shas+=("$sha")
      expected_parts=$((expected_parts - 1))
    else
      echo "chunks.sh: $manifest line $lineno is malformed or out of order: '$line'" >&2
      exit 2
    fi
  done < <(tail -n +2 "$manifest")
  if [ "$expected_parts" -ne 0 ]; then
    echo "chunks.sh: $manifest ends $expected_parts part record(s) short of its last file" >&2
    exit 2
  fi
}

# Checks every part in DIR; prints one line per problem, sets n_missing and n_corrupt.
n_missing=0 n_corrupt=0
check_parts() {
  local dir="$1" i path actual
  for i in "${!part_names[@]}"; do
    path="$dir/${part_names[$i]}"
    if [ ! -f "$path" ]; then
      echo "missing: ${part_names[$i]} (${part_sizes[$i]} bytes)"
      n_missing=$((n_missing + 1))
      continue
    fi
    actual="$(size_of "$path")"
    if [ "$actual" != "${part_sizes[$i]}" ]; then
      echo "corrupt: ${part_names[$i]} is $actual bytes, the manifest says ${part_sizes[$i]}"
      n_corrupt=$((n_corrupt + 1))
      continue
    fi
    actual="$(sha256_of "$path")"
    if [ "$actual" != "${part_shas[$i]}" ]; then
      echo "corrupt: ${part_names[$i]} has sha256 $actual, the manifest says ${part_shas[$i]}"
      n_corrupt=$((n_corrupt + 1))
    fi
  done
}

cmd_verify() {
  local allow_missing=0
  if [ "${1:-}" = --allow-missing ]; then allow_missing=1; shift; fi
  { [ $# -ge 1 ] && [ $# -le 2 ]; } || die_usage "verify takes [--allow-missing] MANIFEST [DIR]"
  local manifest="$1" dir="${2:-$(dirname "$1")}"
  read_manifest "$manifest"
  check_parts "$dir"
  local total=${#part_names[@]}
  local present=$((total - n_missing))
  if [ "$n_corrupt" -gt 0 ]; then
    echo "$n_corrupt of $total part(s) corrupt, $n_missing missing in $dir: carry the corrupt ones again"
    exit 1
  fi
  if [ "$n_missing" -gt 0 ]; then
    echo "$present of $total part(s) present and intact, $n_missing still missing in $dir"
    [ "$allow_missing" -eq 1 ] && exit 0
    exit 1
  fi
  echo "all $total part(s) present and intact in $dir"
}

cmd_join() {
  { [ $# -ge 2 ] && [ $# -le 3 ]; } || die_usage "join takes MANIFEST OUTDIR [DIR]"
  local manifest="$1" outdir="$2" dir="${3:-$(dirname "$1")}"
  read_manifest "$manifest"
  local problems
  problems="$(check_parts "$dir")"
  if [ -n "$problems" ]; then
    echo "$problems"
    echo "not joining: the parts above must be carried (again) into $dir first"
    exit 1
  fi
  mkdir -p "$outdir"
  local f i first count out tmp actual
  for f in "${!file_names[@]}"; do
    out="$outdir/${file_names[$f]}"
    tmp="$out.joining"
    : >"$tmp"
    first=${file_first[$f]}
    count=${file_parts[$f]}
    for ((i = first; i < first + count; i++)); do
      cat "$dir/${part_names[$i]}" >>"$tmp"
    done
    actual="$(size_of "$tmp") $(sha256_of "$tmp")"
    if [ "$actual" != "${file_sizes[$f]} ${file_shas[$f]}" ]; then
      rm -f "$tmp"
      echo "corrupt: ${file_names[$f]} rebuilt as size and sha256 '$actual', the manifest says '${file_sizes[$f]} ${file_shas[$f]}'"
      exit 1
    fi
    mv -f "$tmp" "$out"
    echo "joined ${file_names[$f]} (${file_sizes[$f]} bytes, $count part(s), sha256 ${file_shas[$f]})"
  done
}

case "${1:-}" in
  split) shift; cmd_split "$@" ;;
  verify) shift; cmd_verify "$@" ;;
  join) shift; cmd_join "$@" ;;
  header) echo "$MANIFEST_HEADER" ;;
  *) die_usage "unknown command '${1:-}'" ;;
esac
