/**
 * The contracts of nst, with no third-party dependencies: tensors and networks as values
 * ({@link dev.nst.api.Tensor}, {@link dev.nst.api.Network}), the losses, objective and optimiser
 * interfaces, progress events, and the one exception hierarchy under
 * {@link dev.nst.api.NstException}. It is a package of its own so that backends, user-written
 * losses and applications can depend on these types without pulling in nst-core.
 */
package dev.nst.api;
