#!/usr/bin/env bash
# A/B of the style losses with the pretrained Darknet Tiny from ../shared/models: Gram, W2 and
# histogram under the classic optimisation (L-BFGS, one scale), and the quality preset (W2, Adam
# with averaged iterates, scales growing by sqrt(2)), each with the settings that paint for it,
# the same iteration budget, on fixed content/style pairs. Writes OUT/<pair>_<method>.png, the
# time of every run to OUT/times.tsv, and OUT/runs.tsv for tools/style_statistics.py --table.
#
#   tools/style_loss_ab.sh OUT SIZE ITERATIONS [PAIRS...]      (from the repository root, after
#   ./mvnw -B -q -DskipTests package; a pair is NAME:CONTENT:STYLE)
set -euo pipefail
out=$1 size=$2 n=$3
shift 3
shared=../shared
pairs=("$@")
if [[ ${#pairs[@]} -eq 0 ]]; then
  pairs=("chelsea_mosaic:examples/images/chelsea.jpg:examples/images/mosaic.png"
         "coffee_scream:examples/images/coffee.jpg:$shared/images/the_scream.jpg"
         "chelsea_starry:examples/images/chelsea.jpg:$shared/images/starry_night.jpg")
fi
mkdir -p "$out"
export NST_MODEL_MIRROR="$shared/models"
common=(--model darknet-tiny --size "$size" -n "$n" --content-layers relu4_4)
# the model's default style layers, weighted 64:16:4:1 from shallow to deep (the quality profile)
profile=relu1_1:0.7529,relu2_1:0.1882,relu3_2:0.0471,relu4_2:0.0118
declare -A method=(
  [gram]="--preset classic --style-loss gram --style-layers relu2_1,relu3_2,relu4_2,relu5_2 --content-weight 1 --style-weight 4000"
  [w2]="--preset classic --style-loss w2 --style-layers $profile --content-weight 0.015 --style-weight 1"
  [histogram]="--preset classic --style-loss histogram --style-layers $profile --content-weight 0.015 --style-weight 1"
  [quality]="--preset quality --style-layers $profile"
)
for p in "${pairs[@]}"; do
  IFS=: read -r name content style <<<"$p"
  for m in gram w2 histogram quality; do
    file="$out/${name}_${m}.png"
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    bin/nst stylize "$content" "$style" -o "$file" "${common[@]}" ${method[$m]} 2>&1 | tail -1
    end=$(date +%s.%N)
    printf '%s\t%s\t%.1f\t%s\n' "$name" "$m" "$(echo "$end - $start" | bc)" "$(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/times.tsv"
    printf '%s\t%s\t%s\t%s\n' "$m" "$content" "$style" "$file" >> "$out/runs.tsv"
  done
done
