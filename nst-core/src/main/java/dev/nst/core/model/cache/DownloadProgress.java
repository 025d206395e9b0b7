package dev.nst.core.model.cache;

import java.net.URI;

/**
 * How far the download (or mirror copy) of one model file has come.
 *
 * @param model the model's registry name
 * @param file the file's name
 * @param source where the bytes come from (an https URL, or a {@code file:} URI for a directory mirror)
 * @param bytesDone bytes of the file that are on disk, including those of a resumed earlier attempt
 * @param bytesTotal the file's published size
 * @param fileIndex 1-based position of the file among the files that are fetched in this call
 * @param fileCount how many files this call fetches
 * @param done true once the file is verified and in the cache
 */
public record DownloadProgress(String model, String file, URI source, long bytesDone, long bytesTotal,
    int fileIndex, int fileCount, boolean done) {

  /** Fraction of this file done, 0..1. */
  public double fraction() {
    return bytesTotal <= 0 ? 1.0 : Math.min(1.0, (double) bytesDone / bytesTotal);
  }
}
