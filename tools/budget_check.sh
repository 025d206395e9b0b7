#!/usr/bin/env bash
# Whole runs under a memory budget: each configuration runs `bin/nst` (stylize or batch) under
# /usr/bin/time -v and prints its peak resident set against its budget, the plan it chose at each
# scale (whole, lean mode, tiles) and its time per iteration. Exits 1 when any peak exceeds its
# budget. Darknet Tiny from ../shared/models, the quality preset, chelsea.jpg in the style of
# mosaic.png. Needs nst-cli/target/nst.jar (./mvnw -B -q -DskipTests -pl nst-cli -am package) and
# GNU time (Debian's `time` package).
#   tools/budget_check.sh            # the configurations of docs/benchmarks.md, about 8 minutes
#   tools/budget_check.sh quick      # two of them
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${NST_SHARED:-../shared}
export NST_MODEL_MIRROR="$shared/models"
[[ -f nst-cli/target/nst.jar ]] || { echo "budget_check: build nst-cli/target/nst.jar first" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "budget_check: needs GNU time (apt-get install time)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# $(date -u +%FT%TZ) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores," \
  "$(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo); flags:" \
  "$(grep -m1 flags /proc/cpuinfo | grep -o 'avx512[a-z_0-9]*\|avx2\|fma' | sort -u | tr '\n' ' ')"
over=0

# budget in bytes of a --memory value (8g, 1500m, ...)
bytes() { awk -v m="$1" 'BEGIN { n = m + 0; u = tolower(m); gsub(/[0-9.]|i?b$/, "", u);
  f = (u == "k") ? 2^10 : (u == "m") ? 2^20 : (u == "g") ? 2^30 : (u == "t") ? 2^40 : 1; printf "%.0f", n * f }'; }

# one BACKEND MEMORY COMMAND ARGS...: a run of bin/nst COMMAND with --backend and --memory
one() {
  local backend=$1 memory=$2 command=$3
  shift 3
  local log="$tmp/log"
  local rc=0
  /usr/bin/time -v bin/nst "$command" "$@" --model darknet-tiny --backend "$backend" -n 2 --memory "$memory" \
    > "$log" 2>&1 || rc=$?
  local size="" previous=""
  for a in "$@"; do
    [[ $previous == --size ]] && size=$a
    previous=$a
  done
  local peak
  peak=$(awk '/Maximum resident/{printf "%.0f", $6 * 1024}' "$log")
  local budget
  budget=$(bytes "$memory")
  local verdict="within"
  if (( peak > budget )); then
    verdict="OVER"
    over=1
  fi
  printf '%s %s --memory %s --size %s: exit %d, peak %s GiB of %s (%s); %s %s\n' "$command" "$backend" "$memory" \
    "$size" "$rc" "$(awk -v b="$peak" 'BEGIN { printf "%.2f", b / 2^30 }')" \
    "$(awk -v b="$budget" 'BEGIN { printf "%.2f", b / 2^30 }')" \
    "$verdict" \
    "$(grep -o 'evaluated whole in the backend.s lean mode\|runs in [0-9]* tiles of [0-9x]*' "$log" | sort \
      | uniq -c | sed 's/^ *//' | tr '\n' ';')" \
    "$(grep -o '[0-9]* iterations, [0-9]* ms each\|[0-9.]* images/min' "$log" | head -1)"
}

stylize=(examples/images/chelsea.jpg examples/images/mosaic.png -o "$tmp/out.png")
photos=(examples/images/chelsea.jpg examples/images/coffee.jpg "$shared"/images/*.jpg)
if [[ ${1:-} == quick ]]; then
  one nd4j 2g stylize "${stylize[@]}" --size 1536
  one onnx 2g stylize "${stylize[@]}" --size 1536
else
  for backend in nd4j onnx; do
    one "$backend" 4g stylize "${stylize[@]}" --size 1536
    one "$backend" 2g stylize "${stylize[@]}" --size 1536
    one "$backend" 3g stylize "${stylize[@]}" --size 2048
    one "$backend" 1g stylize "${stylize[@]}" --size 1024
    one "$backend" 3g batch "${photos[@]}" -o "$tmp/batch-$backend" --style examples/images/mosaic.png \
      --size 1536 --workers 2
  done
fi
echo "# $(date -u +%FT%TZ)"
exit $over
