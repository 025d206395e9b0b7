/**
 * The host-side optimisers, {@link dev.nst.core.optim.Lbfgs} (the default) and
 * {@link dev.nst.core.optim.Adam}, as immutable settings that run on float arrays of image
 * size. They work on any {@link dev.nst.api.DifferentiableFunction}, so they depend on neither
 * backends nor losses.
 */
package dev.nst.core.optim;
