package dev.nst.video;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What a video run produced.
 *
 * @param frames frames in the frames folder after the run (stylised now or earlier)
 * @param stylised frames stylised by this run
 * @param resumed frames an earlier run had written, taken as they were
 * @param cancelled true when a cancellation stopped the run before the last frame
 * @param width frame width in pixels
 * @param height frame height in pixels
 * @param framesDir the folder holding every frame
 * @param video the MP4 written, when the output is one (with every frame of the folder)
 * @param decodeTime total time reading input frames
 * @param flowTime total time in optical flow, consistency and warping
 * @param optimisationTime total time in style transfer runs
 * @param writeTime total time writing frames and encoding
 */
public record VideoResult(int frames, int stylised, int resumed, boolean cancelled, int width, int height,
    Path framesDir, Optional<Path> video, Duration decodeTime, Duration flowTime, Duration optimisationTime,
    Duration writeTime) {}
