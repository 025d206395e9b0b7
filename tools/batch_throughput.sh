#!/usr/bin/env bash
# Images per minute of many images with Darknet Tiny at 256 px: a loop of `bin/nst stylize` calls,
# `nst batch` with 1 and 2 workers, and the Spark job (nst-spark-job.jar on Spark's own jars, as
# spark-submit runs it) with local[1] and local[2]. Every figure is wall-clock time from the command's
# start to its end, JVM start and model load included. Test photos are made from ../shared/images and
# examples/images into a temporary folder (never committed).
# Needs ./mvnw -B -q -DskipTests package (nst-cli/target/nst.jar, nst-spark/target/nst-spark-job.jar).
#   tools/batch_throughput.sh [ITERATIONS=20] [IMAGES=32] [LOOP_IMAGES=8]
set -euo pipefail
cd "$(dirname "$0")/.."
iters=${1:-20}
count=${2:-32}
loop_count=${3:-8}
size=256
# shellcheck source=tools/batch_setup.sh
source tools/batch_setup.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
batch_setup "$tmp" "$count" "$size"
opens=$SPARK_JVM_FLAGS
common=(--model "$model" --size "$size")
# the command line's default is the quality preset; the Spark job runs the builder's defaults (classic):
# the same classic settings everywhere
cli=("${common[@]}" --preset classic)

# prints "<label> <images> <seconds> <images per minute>", the mean time per image that the run's
# batch-report.json records (work per image, without start-up and scheduling) and the load average
run() {
  local label=$1 images=$2 report=$3
  shift 3
  local start end
  start=$(date +%s.%N)
  "$@" > "$tmp/$label.log" 2>&1 || { echo "$label failed (see below)" >&2; tail -5 "$tmp/$label.log" >&2; }
  end=$(date +%s.%N)
  local per_image="-"
  if [[ -f $report/batch-report.json ]]; then
    per_image=$(python3 -c 'import json,sys; i=[x["seconds"] for x in json.load(open(sys.argv[1]))["items"] if x["status"]=="done"]; print("%.2f s/image" % (sum(i)/len(i)))' "$report/batch-report.json")
  fi
  awk -v l="$label" -v n="$images" -v s="$start" -v e="$end" -v p="$per_image" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
    'BEGIN { printf "%-22s %3d images %7.1f s %6.1f images/min  %s  (load %s)\n", l, n, e - s, 60 * n / (e - s), p, load }'
}

echo "# $(date -u +%FT%TZ) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores;" \
  "Darknet Tiny, ${size} px, ${iters} iterations"
loop() {
  for f in $(ls "$tmp/in" | head -n "$loop_count"); do
    bin/nst stylize "$tmp/in/$f" "$style" -o "$tmp/loop/$f" "${cli[@]}" -n "$iters"
  done
}
run "stylize-loop" "$loop_count" - loop
run "batch-w1-t2" "$count" "$tmp/b12" bin/nst batch "$tmp/in" -o "$tmp/b12" --style "$style" "${cli[@]}" -n "$iters" --workers 1 --threads 2
run "batch-w1-t1" "$count" "$tmp/b11" bin/nst batch "$tmp/in" -o "$tmp/b11" --style "$style" "${cli[@]}" -n "$iters" --workers 1 --threads 1
run "batch-w2-t1" "$count" "$tmp/b21" bin/nst batch "$tmp/in" -o "$tmp/b21" --style "$style" "${cli[@]}" -n "$iters" --workers 2 --threads 1
for n in 1 2; do
  # shellcheck disable=SC2086
  run "spark-local[$n]" "$count" "$tmp/s$n" java -Xmx6g $opens -Dspark.master="local[$n]" -Dspark.ui.enabled=false \
    -cp "nst-spark/target/nst-spark-job.jar:$(cat "$tmp/spark.cp")" dev.nst.spark.StylizeJob \
    --input "$tmp/in" --output "$tmp/s$n" --style "$style" "${common[@]}" --iterations "$iters"
done
# the same images everywhere: compare one output of each run
cmp -s "$tmp/b11/photo00_mosaic.png" "$tmp/s1/photo00_mosaic.png" && echo "# batch and Spark outputs are identical (photo00)" \
  || echo "# batch and Spark outputs differ (photo00)"
# the fixed cost of each tool (JVM, Spark and model start, one image of one iteration)
mkdir -p "$tmp/one" && cp "$tmp/in/photo00.png" "$tmp/one/"
run "fixed-batch" 1 - bin/nst batch "$tmp/one" -o "$tmp/f1" --style "$style" "${cli[@]}" -n 1 --workers 1
# shellcheck disable=SC2086
run "fixed-spark-local[1]" 1 - java -Xmx6g $opens -Dspark.master="local[1]" -Dspark.ui.enabled=false \
  -cp "nst-spark/target/nst-spark-job.jar:$(cat "$tmp/spark.cp")" dev.nst.spark.StylizeJob \
  --input "$tmp/one" --output "$tmp/f2" --style "$style" "${common[@]}" --iterations 1
