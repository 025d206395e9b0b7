package dev.nst.core.model.cache;

import dev.nst.api.ModelLoadException;

/**
 * The files of a registered model could not be brought into the cache: no network (offline
 * mode), every source failed, or the cache cannot be written. The message lists what was tried
 * and how to get the weights another way.
 */
public class ModelDownloadException extends ModelLoadException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the message says what happened and how to fix it. */
  public ModelDownloadException(String message) {
    super(message);
  }

  /** Creates the exception with the failure that led to it. */
  public ModelDownloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
