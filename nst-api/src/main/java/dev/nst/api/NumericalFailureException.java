package dev.nst.api;

/** The loss or gradient became NaN or infinite; the run stopped and kept the last good image. */
public class NumericalFailureException extends RunFailedException {
  private static final long serialVersionUID = 1L;

  public NumericalFailureException(String message) {
    super(message);
  }
}
