/**
 * Low-level file access shared by the loaders: {@link dev.nst.core.io.RegularFiles}, the gate
 * that lets only regular files (sized before they are read) into nst's readers.
 */
package dev.nst.core.io;
