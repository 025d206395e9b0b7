package dev.nst.api.spi;

/** Where a backend computes. AUTO uses a GPU when the backend reports one. */
public enum Device {
  /** A GPU when the backend reports one, else the CPU. */
  AUTO,
  /** The CPU. */
  CPU,
  /** A GPU; opening a backend fails when it has none. */
  GPU
}
