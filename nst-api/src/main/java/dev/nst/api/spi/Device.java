package dev.nst.api.spi;

/** Where a backend computes. AUTO uses a GPU when the backend reports one. */
public enum Device {
  AUTO,
  CPU,
  GPU
}
