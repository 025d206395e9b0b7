#!/usr/bin/env bash
# Peak resident memory and seconds per evaluation against output size, for both backends and the
# PyTorch peer, in one session (docs/benchmarks.md, "Any size"). Needs the benchmarks jar
# (./mvnw -B -q -DskipTests -Pbenchmarks package, or -pl nst-benchmarks -am) and, for the peer,
# Debian's python3-torch. Sizes up to 2048 px run one untiled evaluation (PeakMemory); larger ones
# run a whole LargeImageRun at their last scale under the memory budget, in tiles.
#   tools/large_image_benchmarks.sh [out.tsv]
set -euo pipefail
out=${1:-/tmp/large_image_benchmarks.tsv}
jar=nst-benchmarks/target/benchmarks.jar
peer=../shared/tools/pytorch_peer.py
flags=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512f|avx512_bf16|avx512_vnni)$' | tr '\n' ' ')
echo "# $(date -u +%FT%TZ) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cpus, flags: $flags" > "$out"
printf 'runner\tsize\tpeak_gib\tseconds_per_evaluation\tnote\n' >> "$out"

peak_of() { grep -o 'peak resident set [0-9.]*' | awk '{print $4}'; }

for s in 512 1024 2048; do
  for b in onnx nd4j; do
    line=$(java -Xmx12g -cp "$jar" dev.nst.benchmarks.PeakMemory "$b" "$s" 2>&1 | tee /dev/stderr)
    t=$(echo "$line" | grep -o 'eval 2: [0-9]* ms' | awk '{print $3/1000}')
    printf '%s\t%s\t%s\t%s\tuntiled, third evaluation\n' "$b" "$s" "$(echo "$line" | peak_of)" "${t:-?}" >> "$out"
  done
  if [ -f "$peer" ]; then
    res=$( { /usr/bin/time -v env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 "$peer" --size "$s" --threads 2 --repeat 2; } 2>&1 ) || true
    kb=$(echo "$res" | grep 'Maximum resident' | awk '{print $6}')
    ms=$(echo "$res" | grep -o '"ms_per_evaluation_median": [0-9.]*' | awk '{print $2/1000}')
    printf 'pytorch\t%s\t%s\t%s\t%s\n' "$s" "$(awk -v k="${kb:-0}" 'BEGIN{printf "%.2f", k/1048576}')" "${ms:-?}" \
      "$( [ -n "$kb" ] && echo untiled || echo 'did not run (out of memory?)')" >> "$out"
  fi
done

# 4096 (3:2) with the default budget and 8192 with a 20 GiB budget: whole runs in tiles.
for spec in "onnx 4096 default 4096 2" "nd4j 4096 default 4096 1" "onnx 8192 20g 8192 1"; do
  set -- $spec
  log=$(java -Xmx12g -cp "$jar" dev.nst.benchmarks.LargeImageRun "$1" "$2" "$3" "$4" "$5" 2>&1 | tee /dev/stderr)
  peak=$(echo "$log" | tail -1 | grep -o 'peak RSS [0-9.]*' | awk '{print $3}')
  secs=$(echo "$log" | grep '^iteration' | tail -1 | awk '{print $3}')
  iters=$(echo "$log" | grep -c '^iteration' || true)
  tiles=$(echo "$log" | grep -o '[0-9]* tiles per pass' | tail -1)
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$peak" "$(awk -v s="${secs:-0}" -v n="${iters:-1}" 'BEGIN{printf "%.0f", s/n}')" \
    "budget $3, $tiles" >> "$out"
done
cat "$out"
