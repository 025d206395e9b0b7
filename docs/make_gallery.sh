#!/usr/bin/env bash
# Regenerates the guide's pictures in docs/images with the pretrained Darknet Tiny from
# ../shared/models (TF.js) and the public-domain paintings in ../shared/images.
# Run from the repository root after ./mvnw -B -q -DskipTests -pl nst-cli -am package.
set -euo pipefail
shared=../shared
out=docs/images
mkdir -p "$out"
# the classic settings (Gram loss, L-BFGS) the feature pictures were made with
dk=(--model "$shared/models/darknet-tiny" --preset classic --style-layers relu1_1,relu2_1,relu3_2,relu4_2,relu5_2
    --content-layers relu4_4 --size 256 -n 100)
run() { local name=$1; shift; bin/nst stylize "$@" -o "$out/$name.png" 2>&1 | tail -1; }

run chelsea_mosaic_darknet examples/images/chelsea.jpg examples/images/mosaic.png "${dk[@]}"
run chelsea_starry_darknet examples/images/chelsea.jpg "$shared/images/starry_night.jpg" "${dk[@]}"
run coffee_scream_darknet examples/images/coffee.jpg "$shared/images/the_scream.jpg" "${dk[@]}"
run chelsea_matisse_darknet examples/images/chelsea.jpg "$shared/images/woman-with-hat-matisse.jpg" "${dk[@]}"
# features
run feature_keep_colors examples/images/chelsea.jpg "$shared/images/starry_night.jpg" "${dk[@]}" --color keep-content
run feature_luminance_only examples/images/chelsea.jpg "$shared/images/starry_night.jpg" "${dk[@]}" --color luminance-only
run feature_match_colors examples/images/chelsea.jpg "$shared/images/starry_night.jpg" "${dk[@]}" --color match-style
run feature_blend examples/images/chelsea.jpg "$shared/images/starry_night.jpg" "$shared/images/the_scream.jpg" "${dk[@]}" --style-blend-weights 0.5,0.5
run feature_coarse_to_fine examples/images/chelsea.jpg "$shared/images/starry_night.jpg" "${dk[@]}" --scales 128,256 --scale-iterations 100,40
run feature_avg_pooling examples/images/chelsea.jpg "$shared/images/starry_night.jpg" "${dk[@]}" --pooling avg
run feature_spatial examples/images/chelsea.jpg "$shared/images/starry_night.jpg" "$shared/images/the_scream.jpg" \
    --style-masks examples/images/mask_left.png,examples/images/mask_right.png "${dk[@]}"
run feature_style_scale examples/images/chelsea.jpg "$shared/images/starry_night.jpg" "${dk[@]}" --style-scale 0.5
run feature_noise_init examples/images/chelsea.jpg "$shared/images/starry_night.jpg" "${dk[@]}" --init noise --seed 1
run feature_normalized_gradients examples/images/chelsea.jpg "$shared/images/starry_night.jpg" "${dk[@]}" --normalize-gradients
run feature_preset_lua examples/images/chelsea.jpg "$shared/images/starry_night.jpg" --model "$shared/models/darknet-tiny" --size 256 -n 100 --preset neural-style-lua
# the command line's default (the quality preset) with Darknet Tiny: the README's picture, and the content weight
export NST_MODEL_MIRROR="$shared/models"
run chelsea_mosaic_darknet_512 examples/images/chelsea.jpg examples/images/mosaic.png --model darknet-tiny --size 512 -n 200
run quality_default_256 examples/images/chelsea.jpg examples/images/mosaic.png --model darknet-tiny --size 256 -n 100
run quality_more_style examples/images/chelsea.jpg examples/images/mosaic.png --model darknet-tiny --size 256 -n 100 --content-weight 0.005
run quality_more_content examples/images/chelsea.jpg examples/images/mosaic.png --model darknet-tiny --size 256 -n 100 --content-weight 0.05
# the A/B of the style losses (Gram, W2, histogram, quality) at 512 px
tools/style_loss_ab.sh "$out/ab" 512 100 "chelsea_mosaic:examples/images/chelsea.jpg:examples/images/mosaic.png"
