/**
 * nst-core's host implementation against the reference data: the host losses, the presets'
 * normalisations and the preprocessing conventions, read from the same float64 {@code .npy}
 * files the conformance suite checks backends against. They live beside the suite because the
 * {@code .npy} reader ({@link dev.nst.tck.Npy}) is test code that nst-core's jar does not carry.
 */
package dev.nst.tck.host;
