package dev.nst.api.spi;

/**
 * Options for opening a backend.
 *
 * @param device where to compute
 * @param threads intra-op threads; 0 means all available cores
 * @param deviceIndex which GPU, as CUDA numbers them (0 first), when the backend runs on a GPU;
 *     lets the workers of a machine with several GPUs (a Spark executor, for one) each use the
 *     one assigned to them. Must be 0 for {@link Device#CPU}.
 */
public record BackendOptions(Device device, int threads, int deviceIndex) {
  /**
   * Checks the device, the thread count and the device index.
   *
   * @param device where to compute
   * @param threads intra-op threads; 0 means all available cores
   * @param deviceIndex which GPU; 0 for the CPU
   */
  public BackendOptions {
    if (device == null) {
      throw new NullPointerException("device must not be null");
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0 (0 = all cores), got " + threads);
    }
    if (deviceIndex < 0 || (device == Device.CPU && deviceIndex != 0)) {
      throw new IllegalArgumentException("deviceIndex must be >= 0, and 0 for the CPU, got " + deviceIndex
          + " for " + device);
    }
  }

  /**
   * Options for the first GPU (when the device is one).
   *
   * @param device where to compute
   * @param threads intra-op threads; 0 means all available cores
   */
  public BackendOptions(Device device, int threads) {
    this(device, threads, 0);
  }

  /**
   * The defaults: {@link Device#AUTO}, every core, the first GPU.
   *
   * @return the default options
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
