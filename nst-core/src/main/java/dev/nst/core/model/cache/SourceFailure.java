package dev.nst.core.model.cache;

/**
 * One source of a file (a mirror or a URL) failed to deliver it; the store tries the next one
 * and lists every failure in its message. {@link #integrity()} is true when the source
 * delivered wrong bytes, which makes the overall failure a
 * {@link dev.nst.api.ModelIntegrityException}.
 */
final class SourceFailure extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean integrity;

  SourceFailure(String message, boolean integrity) {
    super(message, null, false, false);
    this.integrity = integrity;
  }

  boolean integrity() {
    return integrity;
  }
}
