package dev.nst.api;

/** Pooling kind. Gatys et al. recommend swapping max for average pooling; nst allows either. */
public enum Pooling {
  /** The largest value in each window. */
  MAX,
  /** The mean of each window. */
  AVERAGE
}
