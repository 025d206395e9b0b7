#!/usr/bin/env bash
# Runs ObjectiveBenchmark for every backend and ../shared/tools/pytorch_peer.py at the same sizes
# in one session, interleaved, and writes docs/benchmarks-data.json and the plot
# docs/images/benchmarks_ms_per_eval.png. Needs: ./mvnw -B -q -DskipTests -Pbenchmarks -pl nst-benchmarks -am package,
# apt-get install python3-torch libopenblas0-pthread python3-matplotlib.
#   tools/run_objective_benchmarks.sh "128 256 384 512" "onnx nd4j"
set -euo pipefail
sizes=${1:-"128 256 384 512"}
backends=${2:-"onnx"}
out=docs/benchmarks-data.json
tmp=$(mktemp -d)
for s in $sizes; do
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 ../shared/tools/pytorch_peer.py --size "$s" --threads 2 --repeat 3 \
    > "$tmp/peer_$s.json"
  for b in $backends; do
    java -jar nst-benchmarks/target/benchmarks.jar ObjectiveBenchmark -p backend="$b" -p size="$s" -wi 1 -i 3 \
      -rf json -rff "$tmp/jmh_${b}_$s.json" > /dev/null
  done
done
/usr/bin/python3 - "$tmp" "$out" "$sizes" "$backends" <<'PY'
import json, sys, os, platform, datetime
tmp, out, sizes, backends = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3].split()], sys.argv[4].split()
data = {"date": datetime.date.today().isoformat(), "machine": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(), "sizes": sizes, "ms": {}, "peer": {}}
for b in backends:
    data["ms"][b] = [json.load(open(f"{tmp}/jmh_{b}_{s}.json"))[0]["primaryMetric"]["score"] for s in sizes]
peer = [json.load(open(f"{tmp}/peer_{s}.json")) for s in sizes]
data["ms"]["pytorch"] = [p["ms_per_evaluation_median"] for p in peer]
data["peer"] = peer
json.dump(data, open(out, "w"), indent=1)
print(json.dumps(data["ms"]))
PY
/usr/bin/python3 tools/plot_benchmarks.py "$out" docs/images/benchmarks_ms_per_eval.png
