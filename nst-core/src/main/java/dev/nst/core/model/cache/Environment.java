package dev.nst.core.model.cache;

import java.util.Map;
import java.util.Optional;

/**
 * Where settings such as {@code NST_CACHE_DIR} and {@code -Dnst.cache.dir} are looked up. The
 * store reads them through this interface instead of {@link System} directly, so tests and
 * applications can supply their own values without touching global state.
 */
public interface Environment {

  /** A system property ({@code -Dname=value}), if set and not blank. */
  Optional<String> property(String name);

  /** An environment variable, if set and not blank. */
  Optional<String> variable(String name);

  /** The real JVM system properties and process environment. */
  static Environment system() {
    return new Environment() {
      @Override
      public Optional<String> property(String name) {
        return nonBlank(System.getProperty(name));
      }

      @Override
      public Optional<String> variable(String name) {
        return nonBlank(System.getenv(name));
      }
    };
  }

  /** Fixed values, for tests and embedding applications. The maps are copied. */
  static Environment of(Map<String, String> properties, Map<String, String> variables) {
    Map<String, String> p = Map.copyOf(properties);
    Map<String, String> v = Map.copyOf(variables);
    return new Environment() {
      @Override
      public Optional<String> property(String name) {
        return nonBlank(p.get(name));
      }

      @Override
      public Optional<String> variable(String name) {
        return nonBlank(v.get(name));
      }
    };
  }

  private static Optional<String> nonBlank(String s) {
    return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
  }
}
