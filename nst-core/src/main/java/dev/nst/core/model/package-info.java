/**
 * The models nst knows by name: {@link dev.nst.core.model.ModelRegistry} of
 * {@link dev.nst.core.model.ModelSpec}s, each with its format and published files
 * ({@link dev.nst.core.model.ModelFile}: URLs, size, checksums). What a model is lives here;
 * getting its files ({@code .cache}) and reading them ({@code .format}) are subpackages with
 * jobs of their own.
 */
package dev.nst.core.model;
