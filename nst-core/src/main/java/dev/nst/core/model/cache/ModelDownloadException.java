package dev.nst.core.model.cache;

import dev.nst.api.ModelLoadException;

/**
 * The files of a registered model could not be brought into the cache: no network (offline
 * mode), every source failed, or the cache cannot be written. The message lists what was tried
 * and how to get the weights another way.
 */
public class ModelDownloadException extends ModelLoadException {
  private static final long serialVersionUID = 1L;

  public ModelDownloadException(String message) {
    super(message);
  }

  public ModelDownloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
