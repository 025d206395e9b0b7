package dev.nst.api;

/**
 * A run was refused before its work began: the image size asked for (the output size, a scale
 * of a coarse-to-fine schedule or a style image at its style scale) does not fit the JVM heap
 * or the memory budget, not even in the smallest tiles, or it needs tiles where the chosen
 * losses cannot run in tiles. Nothing was computed, so the exception holds no best image. The
 * message gives the estimate and what to change: a smaller size, a larger heap ({@code -Xmx}) or
 * budget.
 *
 * <p>It extends {@link RunFailedException}, so code that catches run failures keeps catching
 * it; a caller that wants to tell "the input asks too much" from "the run broke" catches this
 * type first. The command line treats it as bad input (exit code 3), not as a failed run.
 */
public class MemoryBudgetException extends RunFailedException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with the given message.
   *
   * @param message the size refused, the estimate against the limit, and what to change
   */
  public MemoryBudgetException(String message) {
    super(message);
  }
}
