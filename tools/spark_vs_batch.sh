#!/usr/bin/env bash
# Spark's overhead over `nst batch` at equal parallelism, measured so that both see the same host:
# each round starts `nst batch --workers 1 --threads 1` and the Spark job on `local[1]` at the same
# moment, each pinned to a core of its own (taskset), and swaps the cores every round. Sequential
# runs on a shared machine drift by more than the difference under test; two runs side by side do
# not. Prints each round's wall times, the work per image the reports record, and the ratio.
# Needs ./mvnw -B -q -DskipTests package (nst-cli/target/nst.jar, nst-spark/target/nst-spark-job.jar),
# two cores and taskset (util-linux).
#   tools/spark_vs_batch.sh [ROUNDS=4] [ITERATIONS=100] [IMAGES=16]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-4}
iters=${2:-100}
count=${3:-16}
# shellcheck source=tools/batch_setup.sh
source tools/batch_setup.sh
command -v taskset > /dev/null || { echo "spark_vs_batch: needs taskset (util-linux)" >&2; exit 2; }
(( $(nproc) >= 2 )) || { echo "spark_vs_batch: needs two cores" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
batch_setup "$tmp" "$count" 256
opens=$SPARK_JVM_FLAGS

# runs one tool pinned to one core, writes its wall seconds to OUT.t
go() {
  local kind=$1 core=$2 out=$3 start
  start=$(date +%s.%N)
  if [[ $kind == batch ]]; then
    taskset -c "$core" bin/nst batch "$tmp/in" -o "$out" --style "$style" --model "$model" --size 256 \
      --preset classic -n "$iters" --workers 1 --threads 1
  else
    # shellcheck disable=SC2086
    taskset -c "$core" java -Xmx6g $opens -Dspark.master="local[1]" -Dspark.ui.enabled=false \
      -cp "nst-spark/target/nst-spark-job.jar:$(cat "$tmp/spark.cp")" dev.nst.spark.StylizeJob \
      --input "$tmp/in" --output "$out" --style "$style" --model "$model" --size 256 --iterations "$iters"
  fi > "$out.log" 2>&1 || { echo "$kind failed:" >&2; tail -5 "$out.log" >&2; }
  echo "$(date +%s.%N) - $start" | bc > "$out.t"
}
work() {
  python3 -c 'import json,sys; i=[x["seconds"] for x in json.load(open(sys.argv[1]))["items"] if x["status"]=="done"]; print("%.1f" % sum(i))' "$1/batch-report.json"
}

echo "# $(date -u +%FT%TZ) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs);" \
  "flags: $(grep -o -w -E 'avx2|fma|avx512f|avx512bw|avx512vl|avx512_vnni' /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "# $count photos of 256 px, Darknet Tiny, $iters iterations; batch: 1 worker x 1 thread, Spark: local[1]"
total_b=0
total_s=0
for r in $(seq 1 "$rounds"); do
  cb=$(( r % 2 ))
  cs=$(( 1 - cb ))
  rm -rf "$tmp/b" "$tmp/s"
  go batch "$cb" "$tmp/b" &
  go spark "$cs" "$tmp/s" &
  wait
  tb=$(cat "$tmp/b.t")
  ts=$(cat "$tmp/s.t")
  total_b=$(echo "$total_b + $tb" | bc)
  total_s=$(echo "$total_s + $ts" | bc)
  printf 'round %d: batch (core %d) %.1f s, work %s s; Spark (core %d) %.1f s, work %s s; Spark / batch %.3f\n' \
    "$r" "$cb" "$tb" "$(work "$tmp/b")" "$cs" "$ts" "$(work "$tmp/s")" "$(echo "scale=6; $ts / $tb" | bc)"
done
printf 'sum: batch %.1f s, Spark %.1f s, Spark / batch %.3f\n' "$total_b" "$total_s" \
  "$(echo "scale=6; $total_s / $total_b" | bc)"
cmp -s "$tmp/b/photo00_mosaic.png" "$tmp/s/photo00_mosaic.png" && echo "# outputs identical (photo00)" \
  || echo "# outputs differ (photo00)"
