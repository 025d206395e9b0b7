package dev.nst.core.model.cache;

import dev.nst.core.model.ModelFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The published checksums of one file, computed as its bytes go by. Not thread-safe. */
final class Digests {
  private final ModelFile file;
  private final MessageDigest sha256;
  private final MessageDigest md5;

  Digests(ModelFile file) {
    this.file = file;
    sha256 = file.sha256() != null ? digest("SHA-256") : null;
    md5 = file.md5() != null ? digest("MD5") : null;
  }

  void update(byte[] b, int off, int len) {
    if (sha256 != null) {
      sha256.update(b, off, len);
    }
    if (md5 != null) {
      md5.update(b, off, len);
    }
  }

  /** Feeds the first {@code length} bytes of {@code path} (the part of a resumed download on disk). */
  void updateFrom(Path path, long length) throws IOException {
    byte[] buf = new byte[1 << 16];
    long left = length;
    try (InputStream in = Files.newInputStream(path)) {
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new IOException(path + " is shorter than " + length + " bytes");
        }
        update(buf, 0, n);
        left -= n;
      }
    }
  }

  /** Null when every published checksum matches, otherwise what differs. */
  String mismatch() {
    StringBuilder sb = new StringBuilder();
    if (sha256 != null) {
      String got = HexFormat.of().formatHex(sha256.digest());
      if (!got.equals(file.sha256())) {
        sb.append("SHA-256 is ").append(got).append(" but the published one is ").append(file.sha256());
      }
    }
    if (md5 != null) {
      String got = HexFormat.of().formatHex(md5.digest());
      if (!got.equals(file.md5())) {
        sb.append(sb.length() > 0 ? "; " : "").append("MD5 is ").append(got)
            .append(" but the published one is ").append(file.md5());
      }
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  /** Null when {@code path} has the published size and checksums, otherwise what differs. */
  static String check(Path path, ModelFile file) throws IOException {
    long size = Files.size(path);
    if (size != file.size()) {
      return "it has " + size + " bytes but the published size is " + file.size();
    }
    Digests d = new Digests(file);
    d.updateFrom(path, size);
    return d.mismatch();
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is required of every Java platform", e);
    }
  }
}
