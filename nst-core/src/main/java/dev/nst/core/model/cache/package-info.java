/**
 * The local cache of registered models and how files get into it: {@link
 * dev.nst.core.model.cache.ModelStore} with its layout, mirror, offline switch and records of
 * verified files, downloads verified while they stream and resumed after breaks, and lock files
 * through which threads and processes take turns. Everything that writes to the cache or talks
 * HTTP is here, behind the one public entry point {@code ModelStore}.
 */
package dev.nst.core.model.cache;
