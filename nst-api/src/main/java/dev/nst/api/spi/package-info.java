/**
 * The service-provider interface of compute backends: a {@link dev.nst.api.spi.BackendProvider}
 * found by {@link java.util.ServiceLoader}, its probe result ({@link dev.nst.api.spi.Availability}),
 * and the {@link dev.nst.api.spi.Backend} it opens with {@link dev.nst.api.spi.BackendOptions}.
 * It is kept apart from the user-facing contracts because only backend authors implement it.
 */
package dev.nst.api.spi;
