/**
 * Low-level file access shared by the loaders: {@link dev.nst.core.io.RegularFiles}, the gate
 * that lets only regular files (sized before they are read) into nst's readers, and NumPy
 * {@code .npy} files ({@link dev.nst.core.io.Npy}), the format of the reference data that the
 * losses, backends and conformance suite are checked against.
 */
package dev.nst.core.io;
