package dev.nst.api.spi;

/**
 * Options for opening a backend.
 *
 * @param device where to compute
 * @param threads intra-op threads; 0 means all available cores
 */
public record BackendOptions(Device device, int threads) {
  /**
   * Checks the device and the thread count.
   *
   * @param device where to compute
   * @param threads intra-op threads; 0 means all available cores
   */
  public BackendOptions {
    if (device == null) {
      throw new IllegalArgumentException("device must not be null");
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0 (0 = all cores), got " + threads);
    }
  }

  /**
   * The best device available, all cores.
   *
   * @return {@link Device#AUTO} with 0 threads
   */
  public static BackendOptions defaults() {
    return new BackendOptions(Device.AUTO, 0);
  }

  /**
   * The thread count to use: {@link #threads()} or all available cores.
   *
   * @return at least 1
   */
  public int effectiveThreads() {
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }
}
