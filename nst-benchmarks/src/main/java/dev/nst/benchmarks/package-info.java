/**
 * JMH benchmarks of nst: the host loss kernels, one compiled-objective evaluation per backend, a
 * whole style-transfer run, the machine's matrix-multiply peak, and a peak-memory probe. They
 * live in a module and package of their own so that the measurements, and the annotation
 * processing they need, stay out of the library.
 */
package dev.nst.benchmarks;
