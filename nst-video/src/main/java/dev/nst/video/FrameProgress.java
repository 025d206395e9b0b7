package dev.nst.video;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One frame of a video run.
 *
 * @param index the frame, from 0
 * @param total frames in the video as its source states it, or -1 when unknown
 * @param resumed true when an earlier run had written this frame, which was taken as it is
 * @param iterations iterations run on this frame (0 when resumed)
 * @param contentLoss the content term of the result, unweighted (NaN when resumed)
 * @param styleLoss the style term of the result, unweighted (NaN when resumed)
 * @param temporalLoss the temporal term of the result, weighted (0 for the first frame and
 *     without the temporal term; NaN when resumed)
 * @param decodeTime reading and resizing the input frame
 * @param flowTime optical flow, consistency and warping for this frame
 * @param optimisationTime the style transfer run (setup and iterations)
 * @param writeTime writing the frame file and encoding it into the output video
 * @param file the frame's file in the frames folder
 */
public record FrameProgress(int index, int total, boolean resumed, int iterations, double contentLoss,
    double styleLoss, double temporalLoss, Duration decodeTime, Duration flowTime, Duration optimisationTime,
    Duration writeTime, Path file) {}
