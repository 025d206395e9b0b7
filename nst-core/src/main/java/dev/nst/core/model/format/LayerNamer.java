package dev.nst.core.model.format;

/**
 * Names layers the VGG way by their order in the chain: the i-th convolution of block b is
 * {@code conv{b}_{i}}, its activation {@code relu{b}_{i}} (also for LeakyReLU), and the pool
 * closing block b is {@code pool{b}}. Every loader uses it, so layer names do not depend on
 * how an exporter named its nodes. One instance names one network.
 */
public final class LayerNamer {
  private int block = 1;
  private int conv = 0;

  /** The next convolution's name: conv{block}_{n}. */
  public String convolution() {
    conv++;
    return "conv" + block + "_" + conv;
  }

  /** The activation following the latest convolution. */
  public String activation() {
    return "relu" + block + "_" + Math.max(conv, 1);
  }

  /** The pool ending the current block: pool{block}; the next convolution opens a new block. */
  public String pool() {
    String name = "pool" + block;
    block++;
    conv = 0;
    return name;
  }
}
