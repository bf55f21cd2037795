#!/usr/bin/env bash
# Fails when a source file includes across a wall that docs/ARCHITECTURE.md forbids. The walls
# are the ```walls block of that file: each line names a folder, then the include prefixes no
# file below it may use. Includes that climb out of a folder ("../") are refused everywhere.
set -euo pipefail
root=${1:?usage: check_walls.sh SOURCE_DIR}
doc="$root/docs/ARCHITECTURE.md"
walls=$(awk '/^```walls$/ {inside = 1; next} inside && /^```/ {exit} inside' "$doc")
[[ -n "$walls" ]] || { echo "no walls block in $doc" >&2; exit 1; }

violations=0
checked=0
while read -r folder prefixes; do
  [[ -n "$folder" ]] || continue
  [[ -d "$root/$folder" ]] || { echo "walls name a missing folder: $folder" >&2; exit 1; }
  while IFS= read -r -d '' file; do
    checked=$((checked + 1))
    while IFS=: read -r line include; do
      for prefix in $prefixes; do
        if [[ "$include" == "$prefix"* ]]; then
          echo "${file#"$root"/}:$line includes <$include>: $folder must not include $prefix"
          violations=$((violations + 1))
        fi
      done
    done < <(sed -n -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]+)[>"].*/\1/p;t;s/.*//p' \
               "$file" | grep -n . || true)
  done < <(find "$root/$folder" -type f \( -name '*.h' -o -name '*.cpp' -o -name '*.c' \) -print0)
done <<<"$walls"

# No include may climb out of its folder: parts are reached through their targets only.
while IFS= read -r hit; do
  echo "$hit: includes through ../"
  violations=$((violations + 1))
done < <(grep -rn -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*"\.\./' "$root/src" "$root/plugin" \
           "$root/abi" || true)

echo "$checked files checked against $(grep -c . <<<"$walls") walls: $violations violations"
[[ $violations -eq 0 ]]
