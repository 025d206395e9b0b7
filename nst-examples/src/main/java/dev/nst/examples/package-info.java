/**
 * Short programs, one per use of nst from Java: {@link dev.nst.examples.QuickStart} (the README's
 * snippet), {@link dev.nst.examples.CustomStyleLoss}, {@link dev.nst.examples.ProgressAndCancellation}
 * and {@link dev.nst.examples.ChoosingABackend}. Each runs from the repository root with
 * {@code -Dexample=Name}, and its settings are system properties, so that the tests run every
 * one of them for real on a small model and image.
 */
package dev.nst.examples;
