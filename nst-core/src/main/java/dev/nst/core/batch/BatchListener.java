package dev.nst.core.batch;

/**
 * Told how a batch goes: once before the first item and after every item. Calls come from the
 * workers' threads but never overlap, so an implementation needs no locking of its own.
 */
@FunctionalInterface
public interface BatchListener {
  /**
   * One report.
   *
   * @param progress counts so far and the item that just finished
   */
  void onProgress(BatchProgress progress);
}
