package dev.nst.core.reliability;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.gson.JsonParseException;
import dev.nst.api.NstException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.opentest4j.AssertionFailedError;

/**
 * One fuzzing session: runs each mutant under a timeout and an allocation bound, and checks
 * the reliability property: the call either returns a result its validator accepts, or throws
 * an {@link NstException} subclass with a non-empty message. Anything else is a finding: any
 * other exception or {@link Error}, an empty message, a hang, an allocation far larger than
 * the input, or (in strict mode) an {@code NstException} that merely wraps an internal
 * exception (a NullPointerException, ClassCastException, ... caught by a loader's last-resort
 * {@code catch (RuntimeException)}), whose message cannot tell the user what is wrong.
 *
 * <p>All state lives in the instance; a test creates one per fuzzer.
 */
final class FuzzRun {
  /** System property with the number of mutants per fuzzer; the {@code fuzz} Maven profile sets it. */
  static final String ITERATIONS_PROPERTY = "nst.fuzz.iterations";
  /** System property overriding every fuzzer's seed (to explore further; findings print the seed). */
  static final String SEED_PROPERTY = "nst.fuzz.seed";

  private final String name;
  private final long seed;
  private final Duration timeout;
  private final boolean strict;
  private final Class<? extends NstException> expected;
  private final String scrub;
  private final long startNanos = System.nanoTime();
  private int tried;
  private int accepted;
  private final Map<String, Integer> reasons = new TreeMap<>();
  private final Map<String, Integer> mutations = new TreeMap<>();
  private final List<String> findings = new ArrayList<>();
  private final Map<String, Integer> findingKinds = new TreeMap<>();

  /**
   * @param expected the exception type the code under test may throw
   * @param strict whether an {@code expected} exception wrapping an internal exception is a finding
   * @param scrub a string (a temporary folder) replaced by {@code <dir>} in the summary's messages
   */
  FuzzRun(String name, long defaultSeed, Duration timeout, Class<? extends NstException> expected, boolean strict,
      String scrub) {
    this.name = name;
    this.seed = Long.getLong(SEED_PROPERTY, defaultSeed);
    this.timeout = timeout;
    this.expected = expected;
    this.strict = strict;
    this.scrub = scrub;
  }

  /** The number of mutants to try: {@code normalBudget}, or the {@value #ITERATIONS_PROPERTY} property. */
  static int iterations(int normalBudget) {
    String v = System.getProperty(ITERATIONS_PROPERTY, "");
    if (v.isBlank()) {
      return normalBudget;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 1) {
        throw new NumberFormatException("not positive");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + ITERATIONS_PROPERTY + "=" + v + " is not a positive integer", e);
    }
  }

  long seed() {
    return seed;
  }

  int tried() {
    return tried;
  }

  int accepted() {
    return accepted;
  }

  List<String> findings() {
    return List.copyOf(findings);
  }

  /**
   * Runs one mutant.
   *
   * @param mutation what was done to the seed input (printed with findings)
   * @param allocationLimit bytes the call may allocate on its thread, or {@code -1} for no limit
   * @param validator returns {@code null} for an acceptable result, or what is wrong with it
   */
  <T> void check(int iteration, String mutation, long allocationLimit, Callable<T> call, Function<T, String> validator) {
    tried++;
    String family = mutation.replaceFirst("[ (:=\\[].*", "");
    mutations.merge(family, 1, Integer::sum);
    String problem;
    try {
      problem = assertTimeoutPreemptively(timeout, () -> runOne(call, validator, allocationLimit));
    } catch (AssertionFailedError e) {
      problem = "did not finish within " + timeout.toMillis() + " ms (hang or runaway work)";
    }
    if (problem != null) {
      findings.add("#" + iteration + " [" + mutation + "]: " + problem);
      findingKinds.merge(kind(problem), 1, Integer::sum);
    }
  }

  private <T> String runOne(Callable<T> call, Function<T, String> validator, long allocationLimit) {
    long before = allocatedBytes();
    String problem;
    try {
      T result = call.call();
      problem = validator.apply(result);
      if (problem == null) {
        synchronized (this) {
          accepted++;
        }
      } else {
        problem = "returned an invalid result: " + problem;
      }
    } catch (Throwable t) {
      problem = classify(t);
    }
    long after = allocatedBytes();
    if (problem == null && allocationLimit >= 0 && before >= 0 && after - before > allocationLimit) {
      problem = "allocated " + (after - before) + " bytes, above the bound of " + allocationLimit
          + " for this input (a size taken from the file instead of from the data present?)";
    }
    return problem;
  }

  private synchronized String classify(Throwable t) {
    if (!expected.isInstance(t)) {
      return "threw " + describe(t);
    }
    String msg = t.getMessage();
    if (msg == null || msg.isBlank()) {
      return "threw " + t.getClass().getName() + " with an empty message";
    }
    if (strict) {
      for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
        if (!(c instanceof NstException || c instanceof IOException || c instanceof JsonParseException)) {
          return "threw " + t.getClass().getSimpleName() + " wrapping an internal " + describe(c)
              + " (the last-resort catch, message: " + msg + ")";
        }
      }
    }
    reasons.merge(reason(msg), 1, Integer::sum);
    return null;
  }

  /** A finding's problem without numbers, names and messages: what went wrong, not where. */
  private static String kind(String problem) {
    String k = problem.replaceFirst(" \\(the last-resort catch.*", "").replaceAll("'[^']*'", "'*'")
        .replaceAll("-?\\d+", "#").replaceFirst(" at dev\\.nst.*", "");
    return k.length() > 140 ? k.substring(0, 140) + "..." : k;
  }

  private String reason(String msg) {
    String m = scrub.isEmpty() ? msg : msg.replace(scrub, "<dir>");
    m = m.replaceAll("-?\\d+", "#");
    return m.length() > 110 ? m.substring(0, 110) + "..." : m;
  }

  private static String describe(Throwable t) {
    StackTraceElement[] st = t.getStackTrace();
    String where = st.length == 0 ? "" : " at " + st[0];
    for (StackTraceElement e : st) {
      if (e.getClassName().startsWith("dev.nst.")) {
        where = " at " + e;
        break;
      }
    }
    return t.getClass().getName() + ": " + t.getMessage() + where;
  }

  /** Bytes allocated so far by the current thread, or -1 where the JVM cannot tell. */
  static long allocatedBytes() {
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean b
        && b.isThreadAllocatedMemorySupported() && b.isThreadAllocatedMemoryEnabled()) {
      return b.getCurrentThreadAllocatedBytes();
    }
    return -1;
  }

  /** A multi-line summary: counts, mutation families, the most common rejection messages, findings. */
  String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%s: seed %d, %d inputs tried in %.1f s: %d accepted, %d rejected cleanly, %d findings%n",
        name, seed, tried, (System.nanoTime() - startNanos) / 1e9, accepted, tried - accepted - findings.size(),
        findings.size()));
    sb.append("  mutations: ").append(mutations).append('\n');
    Map<String, Integer> top = new LinkedHashMap<>();
    reasons.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())).limit(12)
        .forEach(e -> top.put(e.getKey(), e.getValue()));
    top.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %6d x %s%n", v, k)));
    findingKinds.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %6d x FINDING KIND %s%n", v, k)));
    findings.stream().limit(25).forEach(f -> sb.append("  FINDING ").append(f).append('\n'));
    if (findings.size() > 25) {
      sb.append("  ... and ").append(findings.size() - 25).append(" more findings\n");
    }
    return sb.toString();
  }
}
