#!/usr/bin/env bash
# Temporal instability of per-frame against consistent video style transfer (nst-video), with
# the style term per frame, the optical flow's end-point error and where the time goes.
#
#   tools/video_consistency.sh source=synthetic:IMAGE|VIDEO style=IMAGE [model=FILE] [size=256]
#       [frames=24] [iterations=100] [later=50] [weight=W] [long-term=1,2,4] [gif=PIXELS] [out=DIR]
#
# source=synthetic:IMAGE pans and zooms over IMAGE with a textured square moving across it, so
# the true flow is known; source=VIDEO (an MP4 or a frame folder) uses TV-L1's flow instead.
# Defaults: Darknet Tiny from ../shared/models, output in target/video-eval. Prints the report
# and writes it to OUT/report.txt; gif=N also writes OUT/side_by_side.gif (N px wide).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./mvnw -B -o -q -pl nst-video -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$root/nst-video/target/eval-classpath.txt"
shared="${NST_SHARED_DIR:-$root/../shared}"
args=("$@")
if ! printf '%s\n' "${args[@]}" | grep -q '^model='; then
  args+=("model=$shared/models/darknet-tiny/model.json")
fi
cp="$root/nst-video/target/test-classes:$root/nst-video/target/classes:$(cat "$root/nst-video/target/eval-classpath.txt")"
OMP_WAIT_POLICY=PASSIVE exec java -Xmx6g -cp "$cp" dev.nst.video.tools.ConsistencyEvaluation "${args[@]}"
