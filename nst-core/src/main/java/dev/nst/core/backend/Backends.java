package dev.nst.core.backend;

import dev.nst.api.BackendNotFoundException;
import dev.nst.api.NoBackendException;
import dev.nst.api.spi.Availability;
import dev.nst.api.spi.BackendProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Finds the compute backends on the classpath ({@link ServiceLoader} of {@link BackendProvider})
 * and picks one, as DESIGN.md section 8 describes.
 *
 * <p>Order of choice: an explicit name (from the builder), then the system property
 * {@value #PROPERTY}, then the environment variable {@value #ENVIRONMENT}; otherwise the
 * available provider with the highest priority, ties broken by name. A backend that is named
 * but missing or unavailable is an error, never a silent fallback to another one, because a
 * user who asked for a GPU backend must not get a CPU run without noticing. Names compare
 * case-insensitively; blank values count as not given.
 */
public final class Backends {
  /** System property naming the backend to use. */
  public static final String PROPERTY = "nst.backend";
  /** Environment variable naming the backend to use. */
  public static final String ENVIRONMENT = "NST_BACKEND";

  private static final System.Logger LOG = System.getLogger(Backends.class.getName());
  private static final String COORDINATES =
      "dev.nst:nst-backend-onnx (ONNX Runtime, CPU) or dev.nst:nst-backend-nd4j (ND4J)";

  /** Highest priority first, then by name. */
  private static final Comparator<BackendStatus> PREFERENCE =
      Comparator.comparingInt(BackendStatus::priority).reversed()
          .thenComparing(s -> s.name().toLowerCase(Locale.ROOT))
          .thenComparing(BackendStatus::name);

  private Backends() {}

  /**
   * Every provider on the classpath with what its probe reports, highest priority first (ties by
   * name). Probes every provider once, which may load native libraries.
   */
  public static List<BackendStatus> list() {
    return list(load());
  }

  static List<BackendStatus> list(List<? extends BackendProvider> providers) {
    List<BackendStatus> out = new ArrayList<>();
    for (BackendProvider p : providers) {
      out.add(probe(p));
    }
    out.sort(PREFERENCE);
    return List.copyOf(out);
  }

  /**
   * The provider to use: {@code explicitName} (null or blank when not given), else
   * {@code -Dnst.backend}, else {@code NST_BACKEND}, else the best available one.
   *
   * @throws BackendNotFoundException if a backend is named but missing or unavailable
   * @throws NoBackendException if none is named and none is on the classpath or available
   */
  public static BackendProvider select(String explicitName) {
    return select(load(), explicitName, System::getProperty, System::getenv);
  }

  /**
   * {@link #select(String)} over the given providers and lookups, so that the rules can be used
   * and tested without the real classpath and environment. Each provider is probed at most once.
   *
   * @param systemProperty looks up a system property (called with {@value #PROPERTY})
   * @param environment looks up an environment variable (called with {@value #ENVIRONMENT})
   */
  public static BackendProvider select(
      List<? extends BackendProvider> providers,
      String explicitName,
      Function<String, String> systemProperty,
      Function<String, String> environment) {
    Objects.requireNonNull(providers, "providers");
    Objects.requireNonNull(systemProperty, "systemProperty");
    Objects.requireNonNull(environment, "environment");
    String name;
    String source;
    if (!isBlank(explicitName)) {
      name = explicitName.trim();
      source = "requested explicitly";
    } else if (!isBlank(systemProperty.apply(PROPERTY))) {
      name = systemProperty.apply(PROPERTY).trim();
      source = "requested by system property -D" + PROPERTY + "=" + name;
    } else if (!isBlank(environment.apply(ENVIRONMENT))) {
      name = environment.apply(ENVIRONMENT).trim();
      source = "requested by environment variable " + ENVIRONMENT + "=" + name;
    } else {
      return automatic(providers);
    }
    return named(providers, name, source);
  }

  private static BackendProvider named(List<? extends BackendProvider> providers, String name, String source) {
    List<BackendProvider> matches = new ArrayList<>();
    for (BackendProvider p : providers) {
      if (nameOf(p).equalsIgnoreCase(name)) {
        matches.add(p);
      }
    }
    if (matches.isEmpty()) {
      String found = providers.isEmpty() ? "no backend at all"
          : list(providers).stream().map(BackendStatus::describe).collect(Collectors.joining("; "));
      throw new BackendNotFoundException(
          "Backend '" + name + "' (" + source + ") is not on the classpath. Found: " + found
              + ". Add its module as a dependency (for example " + COORDINATES + "), or name one"
              + " of the backends found.");
    }
    // Only the matching providers are probed: others may load native code for nothing.
    List<BackendProvider> usable = new ArrayList<>();
    List<BackendStatus> statuses = new ArrayList<>();
    for (BackendProvider p : matches) {
      BackendStatus s = probe(p);
      statuses.add(s);
      if (s.available()) {
        usable.add(p);
      }
    }
    if (usable.isEmpty()) {
      String reasons = statuses.stream().map(BackendStatus::describe).collect(Collectors.joining("; "));
      throw new BackendNotFoundException(
          "Backend '" + name + "' (" + source + ") is on the classpath but cannot run here: " + reasons
              + ". Fix the cause above, or name another backend (or none, to choose automatically).");
    }
    usable.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
    BackendProvider chosen = usable.get(0);
    List<String> others = providers.stream().filter(p -> p != chosen).map(Backends::nameOf).toList();
    LOG.log(System.Logger.Level.DEBUG, "Using nst backend ''{0}'' ({1}); also on the classpath: {2}",
        nameOf(chosen), source, others.isEmpty() ? "none" : String.join(", ", others));
    return chosen;
  }

  private static BackendProvider automatic(List<? extends BackendProvider> providers) {
    if (providers.isEmpty()) {
      throw new NoBackendException(
          "No nst backend is on the classpath. Add a backend module as a dependency, for example "
              + COORDINATES + "; `mvn dependency:tree` shows what is on the classpath.");
    }
    List<Probed> probed = new ArrayList<>();
    for (BackendProvider p : providers) {
      probed.add(new Probed(p, probe(p)));
    }
    probed.sort(Comparator.comparing(Probed::status, PREFERENCE));
    Probed chosen = probed.stream().filter(x -> x.status.available()).findFirst().orElse(null);
    if (chosen == null) {
      String reasons = probed.stream().map(x -> x.status.describe()).collect(Collectors.joining("; "));
      throw new NoBackendException(
          "No nst backend can run on this machine: " + reasons + ". Fix one of the causes above"
              + " (for example install the missing native runtime), or add another backend module"
              + " such as " + COORDINATES + ".");
    }
    String others = probed.stream().filter(x -> x != chosen).map(x -> x.status.describe())
        .collect(Collectors.joining("; "));
    LOG.log(System.Logger.Level.DEBUG, "Using nst backend {0} (highest priority available); alternatives: {1}",
        chosen.status.describe(), others.isEmpty() ? "none" : others);
    return chosen.provider;
  }

  private record Probed(BackendProvider provider, BackendStatus status) {}

  /** Probes once; a probe that throws (or fails to link native code) counts as unavailable. */
  private static BackendStatus probe(BackendProvider p) {
    Availability a;
    try {
      a = p.probe();
      if (a == null) {
        a = Availability.unavailable("its probe returned null (a bug in " + p.getClass().getName() + ")");
      }
    } catch (RuntimeException | LinkageError e) {
      a = Availability.unavailable("probe failed with " + e.getClass().getName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
    return new BackendStatus(nameOf(p), p.priority(), a);
  }

  private static String nameOf(BackendProvider p) {
    String n = p.name();
    return isBlank(n) ? p.getClass().getName() : n;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  /** Providers from the ServiceLoader; one that cannot be instantiated is logged and skipped. */
  private static List<BackendProvider> load() {
    List<BackendProvider> out = new ArrayList<>();
    Iterator<BackendProvider> it = ServiceLoader.load(BackendProvider.class).iterator();
    // ServiceLoader continues after a broken entry; the bound guards against a loop on one.
    for (int errors = 0; errors < 100; ) {
      try {
        if (!it.hasNext()) {
          break;
        }
        out.add(it.next());
      } catch (ServiceConfigurationError e) {
        errors++;
        LOG.log(System.Logger.Level.WARNING, "Skipping an nst backend that cannot be loaded: " + e.getMessage(), e);
      }
    }
    return out;
  }
}
