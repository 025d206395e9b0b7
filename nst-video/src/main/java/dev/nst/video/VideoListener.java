package dev.nst.video;

import dev.nst.api.ProgressEvent;

/** Told about a video run's progress, on the thread that runs it: keep it quick. */
@FunctionalInterface
public interface VideoListener {
  /**
   * Called after every frame, stylised or taken from an earlier run's output.
   *
   * @param frame what happened to the frame
   */
  void onFrame(FrameProgress frame);

  /**
   * Called after every iteration of a frame's optimisation. Ignored by default.
   *
   * @param frameIndex the frame, from 0
   * @param event the iteration's loss terms
   */
  default void onIteration(int frameIndex, ProgressEvent event) {}

  /**
   * Called when the run decides or notices something on its own (audio left out, frames resumed,
   * evaluation in tiles). One sentence. Ignored by default.
   *
   * @param notice the sentence
   */
  default void onNotice(String notice) {}
}
