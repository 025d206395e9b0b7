package dev.nst.api;

/** Receives an event after every iteration. Runs on the optimising thread: keep it quick. */
@FunctionalInterface
public interface ProgressListener {
  void onProgress(ProgressEvent event);
}
