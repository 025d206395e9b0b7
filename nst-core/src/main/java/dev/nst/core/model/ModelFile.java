package dev.nst.core.model;

import java.net.URI;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One published file of a model: its name (as published, and as stored in the cache and in a
 * mirror), where to download it, and what it must be. The checksum is what makes a download
 * trustworthy, so at least one is required; SHA-256 is preferred, MD5 is accepted for files
 * whose publisher gives nothing else (Keras' VGG weights).
 *
 * @param name file name, a single path segment of letters, digits, {@code . _ -}
 * @param urls download locations, tried in order (may be empty for mirror-only files)
 * @param size exact size in bytes
 * @param sha256 lower-case hex SHA-256, or null when not published
 * @param md5 lower-case hex MD5, or null when not published
 */
public record ModelFile(String name, List<URI> urls, long size, String sha256, String md5) {
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** Checks the name (one safe path segment), the addresses, the size and the checksums. */
  public ModelFile {
    Objects.requireNonNull(name, "name");
    if (!SAFE_NAME.matcher(name).matches() || name.contains("..")) {
      throw new IllegalArgumentException("model file name '" + name
          + "' must be one path segment of letters, digits, '.', '_' and '-' (it names a file in the cache)");
    }
    urls = List.copyOf(urls);
    for (URI u : urls) {
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http")) {
        throw new IllegalArgumentException("download URL " + u + " of " + name + " must be http or https");
      }
    }
    if (size < 0) {
      throw new IllegalArgumentException("size of " + name + " must be >= 0, got " + size);
    }
    sha256 = hex(sha256, 64, "SHA-256", name);
    md5 = hex(md5, 32, "MD5", name);
    if (sha256 == null && md5 == null) {
      throw new IllegalArgumentException("model file " + name + " needs a SHA-256 or an MD5: without one a "
          + "corrupt or tampered download could not be detected");
    }
  }

  /** A file verified by SHA-256. */
  public static ModelFile sha256(String name, long size, String sha256, String... urls) {
    return new ModelFile(name, uris(urls), size, sha256, null);
  }

  /** A file verified by MD5, for publishers that give only that. */
  public static ModelFile md5(String name, long size, String md5, String... urls) {
    return new ModelFile(name, uris(urls), size, null, md5);
  }

  /** SHA-256 if published. */
  public Optional<String> sha256Hex() {
    return Optional.ofNullable(sha256);
  }

  /** MD5 if published. */
  public Optional<String> md5Hex() {
    return Optional.ofNullable(md5);
  }

  /** The strongest checksum, for messages: {@code sha256:...} or {@code md5:...}. */
  public String checksumLabel() {
    return sha256 != null ? "sha256:" + sha256 : "md5:" + md5;
  }

  private static List<URI> uris(String[] urls) {
    return java.util.Arrays.stream(urls).map(URI::create).toList();
  }

  private static String hex(String value, int length, String what, String file) {
    if (value == null) {
      return null;
    }
    String v = value.toLowerCase(Locale.ROOT);
    if (v.length() != length || !v.chars().allMatch(HexFormat::isHexDigit)) {
      throw new IllegalArgumentException(what + " of " + file + " must be " + length + " hex digits, got '" + value + "'");
    }
    return v;
  }
}
