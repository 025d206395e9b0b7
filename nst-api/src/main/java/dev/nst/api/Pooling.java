package dev.nst.api;

/** Pooling kind. Gatys et al. recommend swapping max for average pooling; nst allows either. */
public enum Pooling {
  MAX,
  AVERAGE
}
