/**
 * The host reference implementations of the losses (content, Gram style, total variation), the
 * targets they are computed against, spatial masks, and {@link dev.nst.core.loss.HostObjective},
 * the objective evaluated on the host from a backend's feature extractor. They define the
 * semantics every backend must reproduce, which is why they live apart from any backend.
 */
package dev.nst.core.loss;
