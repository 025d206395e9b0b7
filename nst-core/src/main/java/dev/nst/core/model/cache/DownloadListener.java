package dev.nst.core.model.cache;

/**
 * Receives download progress, for progress bars and logs. Called on the downloading thread,
 * often (every few tens of kilobytes), so it should return quickly; it must not throw.
 */
@FunctionalInterface
public interface DownloadListener {
  /** A listener that ignores everything. */
  DownloadListener NONE = p -> { };

  /** Called as a file downloads: when it starts, as bytes arrive, and when it is verified. */
  void onProgress(DownloadProgress progress);
}
