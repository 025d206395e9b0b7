package dev.nst.api.spi;

/**
 * Options for opening a backend.
 *
 * @param device where to compute
 * @param threads intra-op threads; 0 means all available cores
 */
public record BackendOptions(Device device, int threads) {
  public BackendOptions {
    if (device == null) {
      throw new IllegalArgumentException("device must not be null");
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0 (0 = all cores), got " + threads);
    }
  }

  public static BackendOptions defaults() {
    return new BackendOptions(Device.AUTO, 0);
  }

  /** The thread count to use: {@link #threads()} or all available cores. */
  public int effectiveThreads() {
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }
}
