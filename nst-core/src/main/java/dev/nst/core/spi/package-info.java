/**
 * Support for backend authors: what every backend would otherwise write again. An
 * {@link dev.nst.core.spi.ObjectivePlan} turns an objective spec into checked
 * {@linkplain dev.nst.core.spi.Term terms} with their constant factors and the
 * {@linkplain dev.nst.core.spi.ObjectiveFeature features} they need, and
 * {@link dev.nst.core.spi.CachedFeatureExtractor} gives level 1 its checks, graph cache and
 * lifecycle, so that a backend only compiles and runs graphs.
 */
package dev.nst.core.spi;
