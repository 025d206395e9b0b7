/**
 * NumPy {@code .npy} files ({@link dev.nst.core.io.Npy}), the format of the reference data that
 * the losses, backends and conformance suite are checked against. A package of its own because
 * it is a file format used by the conformance suite and tests, not by a style-transfer run.
 */
package dev.nst.core.io;
