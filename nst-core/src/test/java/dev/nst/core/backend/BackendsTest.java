package dev.nst.core.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.BackendNotFoundException;
import dev.nst.api.NoBackendException;
import dev.nst.api.spi.Availability;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.BackendProvider;
import dev.nst.api.spi.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BackendsTest {
  private static final Function<String, String> NONE = k -> null;
  /** Held strongly so the quieting below sticks (java.util.logging keeps loggers weakly). */
  private static final Logger JUL = Logger.getLogger(Backends.class.getName());

  @BeforeAll
  static void quiet() {
    JUL.setUseParentHandlers(false);
  }

  @AfterAll
  static void loud() {
    JUL.setUseParentHandlers(true);
  }

  /** A provider whose probe answers what it is told and counts its calls. */
  static final class Fake implements BackendProvider {
    final String name;
    final int priority;
    final Supplier<Availability> probe;
    final AtomicInteger probes = new AtomicInteger();

    Fake(String name, int priority, Supplier<Availability> probe) {
      this.name = name;
      this.priority = priority;
      this.probe = probe;
    }

    static Fake available(String name, int priority) {
      return new Fake(name, priority, () -> Availability.available(Set.of(Device.CPU), name + " runtime 1.0"));
    }

    static Fake unavailable(String name, int priority, String reason) {
      return new Fake(name, priority, () -> Availability.unavailable(reason));
    }

    static Fake throwing(String name, int priority, RuntimeException e) {
      return new Fake(name, priority, () -> {
        throw e;
      });
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int priority() {
      return priority;
    }

    @Override
    public Availability probe() {
      probes.incrementAndGet();
      return probe.get();
    }

    @Override
    public Backend open(BackendOptions options) {
      throw new UnsupportedOperationException("fake");
    }
  }

  private static BackendProvider auto(List<? extends BackendProvider> providers) {
    return Backends.select(providers, null, NONE, NONE);
  }

  private static void assertProbedAtMostOnce(List<Fake> fakes) {
    for (Fake f : fakes) {
      assertThat(f.probes.get()).as("probes of %s", f.name).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void zeroProvidersSaysWhichDependencyToAdd() {
    assertThatThrownBy(() -> auto(List.of())).isInstanceOf(NoBackendException.class)
        .hasMessageContaining("No nst backend is on the classpath")
        .hasMessageContaining("dev.nst:nst-backend-onnx")
        .hasMessageContaining("dev.nst:nst-backend-nd4j");
  }

  @Test
  void oneAvailableProviderIsChosen() {
    Fake onnx = Fake.available("onnx", 100);
    assertThat(auto(List.of(onnx))).isSameAs(onnx);
    assertThat(onnx.probes.get()).isEqualTo(1);
  }

  @Test
  void highestPriorityWinsWhateverTheOrder() {
    Fake low = Fake.available("aaa", 10);
    Fake high = Fake.available("zzz", 100);
    assertThat(auto(List.of(low, high))).isSameAs(high);
    assertThat(auto(List.of(high, low))).isSameAs(high);
  }

  @Test
  void equalPrioritiesAreBrokenByName() {
    Fake beta = Fake.available("beta", 50);
    Fake alpha = Fake.available("Alpha", 50);
    assertThat(auto(List.of(beta, alpha))).isSameAs(alpha);
    assertThat(auto(List.of(alpha, beta))).isSameAs(alpha);
  }

  @Test
  void unavailableProvidersAreSkippedAutomatically() {
    Fake gpu = Fake.unavailable("gpu", 1000, "no CUDA driver");
    Fake cpu = Fake.available("cpu", 1);
    assertThat(auto(List.of(gpu, cpu))).isSameAs(cpu);
  }

  @Test
  void throwingProbeIsSkippedAndReportedWithItsMessage() {
    Fake broken = Fake.throwing("broken", 1000, new IllegalStateException("libfoo.so: cannot open"));
    Fake ok = Fake.available("ok", 1);
    assertThat(auto(List.of(broken, ok))).isSameAs(ok);

    List<BackendStatus> list = Backends.list(List.of(ok, broken));
    assertThat(list).extracting(BackendStatus::name).containsExactly("broken", "ok");
    BackendStatus b = list.get(0);
    assertThat(b.available()).isFalse();
    assertThat(b.priority()).isEqualTo(1000);
    assertThat(b.availability().detail())
        .contains("java.lang.IllegalStateException").contains("libfoo.so: cannot open");
    assertThat(list.get(1).available()).isTrue();
    assertThat(list.get(1).availability().devices()).containsExactly(Device.CPU);
  }

  @Test
  void linkageErrorInAProbeCountsAsUnavailable() {
    Fake nativeFail = new Fake("native", 5, () -> {
      throw new UnsatisfiedLinkError("no jniortools in java.library.path");
    });
    assertThat(Backends.list(List.of(nativeFail)).get(0).availability().detail())
        .contains("UnsatisfiedLinkError").contains("no jniortools");
  }

  @Test
  void allUnavailableListsEachWithItsReason() {
    List<Fake> fakes = List.of(
        Fake.unavailable("onnx", 100, "onnxruntime native library not found for linux-riscv64"),
        Fake.throwing("nd4j", 50, new RuntimeException("AVX2 required")));
    assertThatThrownBy(() -> auto(fakes)).isInstanceOf(NoBackendException.class)
        .hasMessageContaining("No nst backend can run on this machine")
        .hasMessageContaining("onnx").hasMessageContaining("onnxruntime native library not found for linux-riscv64")
        .hasMessageContaining("nd4j").hasMessageContaining("AVX2 required")
        .hasMessageContaining("dev.nst:nst-backend-onnx");
    assertProbedAtMostOnce(fakes);
  }

  @Test
  void explicitNameBeatsSystemPropertyBeatsEnvironment() {
    Fake a = Fake.available("a", 1);
    Fake b = Fake.available("b", 2);
    Fake c = Fake.available("c", 3);
    List<Fake> all = List.of(a, b, c);
    Function<String, String> prop = Map.of(Backends.PROPERTY, "b")::get;
    Function<String, String> env = Map.of(Backends.ENVIRONMENT, "a")::get;
    assertThat(Backends.select(all, "a", prop, env)).isSameAs(a);
    assertThat(Backends.select(all, null, prop, Map.of(Backends.ENVIRONMENT, "c")::get)).isSameAs(b);
    assertThat(Backends.select(all, null, NONE, env)).isSameAs(a);
    assertThat(Backends.select(all, null, NONE, NONE)).isSameAs(c);
  }

  @Test
  void blankValuesCountAsUnset() {
    Fake a = Fake.available("a", 1);
    Fake b = Fake.available("b", 2);
    Function<String, String> blankProp = Map.of(Backends.PROPERTY, "  ")::get;
    Function<String, String> env = Map.of(Backends.ENVIRONMENT, "a")::get;
    assertThat(Backends.select(List.of(a, b), " ", blankProp, env)).isSameAs(a);
    assertThat(Backends.select(List.of(a, b), "", blankProp, Map.of(Backends.ENVIRONMENT, "")::get)).isSameAs(b);
  }

  @Test
  void namesCompareCaseInsensitively() {
    Fake onnx = Fake.available("onnx", 1);
    Fake nd4j = Fake.available("nd4j", 100);
    assertThat(Backends.select(List.of(onnx, nd4j), "ONNX", NONE, NONE)).isSameAs(onnx);
    assertThat(Backends.select(List.of(onnx, nd4j), null, NONE, Map.of(Backends.ENVIRONMENT, " Onnx ")::get)).isSameAs(onnx);
  }

  @Test
  void namedChoiceProbesOnlyTheNamedProvider() {
    Fake onnx = Fake.available("onnx", 1);
    Fake nd4j = Fake.available("nd4j", 100);
    Backends.select(List.of(onnx, nd4j), "onnx", NONE, NONE);
    assertThat(onnx.probes.get()).isEqualTo(1);
    assertThat(nd4j.probes.get()).isZero();
  }

  @Test
  void namedButMissingListsWhatWasFound() {
    List<Fake> fakes = List.of(Fake.available("onnx", 100), Fake.unavailable("nd4j", 50, "needs glibc 2.31"));
    Function<String, String> prop = Map.of(Backends.PROPERTY, "cuda")::get;
    assertThatThrownBy(() -> Backends.select(fakes, null, prop, NONE))
        .isInstanceOf(BackendNotFoundException.class)
        .hasMessageContaining("'cuda'")
        .hasMessageContaining("-Dnst.backend=cuda")
        .hasMessageContaining("not on the classpath")
        .hasMessageContaining("onnx (priority 100, available on [CPU]: onnx runtime 1.0)")
        .hasMessageContaining("nd4j (priority 50, unavailable: needs glibc 2.31)");
    assertProbedAtMostOnce(fakes);
  }

  @Test
  void namedButMissingWithNothingOnTheClasspath() {
    assertThatThrownBy(() -> Backends.select(List.of(), null, NONE, Map.of(Backends.ENVIRONMENT, "onnx")::get))
        .isInstanceOf(BackendNotFoundException.class)
        .hasMessageContaining("'onnx'")
        .hasMessageContaining("NST_BACKEND=onnx")
        .hasMessageContaining("no backend at all")
        .hasMessageContaining("dev.nst:nst-backend-onnx");
  }

  @Test
  void namedButUnavailableIsAnErrorNotAFallback() {
    Fake gpu = Fake.unavailable("onnx-gpu", 200, "CUDA 12 runtime not found");
    Fake cpu = Fake.available("onnx", 100);
    assertThatThrownBy(() -> Backends.select(List.of(gpu, cpu), "onnx-gpu", NONE, NONE))
        .isInstanceOf(BackendNotFoundException.class)
        .hasMessageContaining("'onnx-gpu'")
        .hasMessageContaining("requested explicitly")
        .hasMessageContaining("cannot run here")
        .hasMessageContaining("CUDA 12 runtime not found");
    assertThat(cpu.probes.get()).isZero();
  }

  @Test
  void namedWithAThrowingProbeReportsTheException() {
    Fake broken = Fake.throwing("nd4j", 50, new IllegalStateException("libnd4jcpu.so: undefined symbol"));
    assertThatThrownBy(() -> Backends.select(List.of(broken, Fake.available("onnx", 1)), "nd4j", NONE, NONE))
        .isInstanceOf(BackendNotFoundException.class)
        .hasMessageContaining("java.lang.IllegalStateException")
        .hasMessageContaining("libnd4jcpu.so: undefined symbol");
    assertThat(broken.probes.get()).isEqualTo(1);
  }

  @Test
  void automaticChoiceIsLoggedWithTheAlternatives() {
    List<LogRecord> records = new ArrayList<>();
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        records.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    JUL.addHandler(h);
    Level before = JUL.getLevel();
    JUL.setLevel(Level.FINE); // the choice is a routine line: System.Logger's DEBUG, java.util.logging's FINE
    try {
      auto(List.of(Fake.available("onnx", 100), Fake.available("nd4j", 50), Fake.unavailable("gpu", 300, "no GPU")));
    } finally {
      JUL.removeHandler(h);
      JUL.setLevel(before);
    }
    assertThat(records).hasSize(1);
    LogRecord r = records.get(0);
    assertThat(r.getLevel()).isEqualTo(Level.FINE);
    String line = new SimpleFormatter().formatMessage(r);
    assertThat(line).startsWith("Using nst backend onnx (priority 100")
        .contains("nd4j (priority 50, available").contains("gpu (priority 300, unavailable: no GPU)")
        .doesNotContain("\n");
  }

  @Test
  void listSortsByPriorityThenName() {
    List<BackendStatus> list = Backends.list(List.of(
        Fake.available("b", 1), Fake.unavailable("c", 9, "x"), Fake.available("a", 1)));
    assertThat(list).extracting(BackendStatus::name).containsExactly("c", "a", "b");
    assertThatThrownBy(() -> list.add(list.get(0))).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void serviceLoaderListingWorksOnThisClasspath() {
    // nst-core itself registers no backend; whatever is found must be described completely.
    for (BackendStatus s : Backends.list()) {
      assertThat(s.name()).isNotBlank();
      assertThat(s.availability()).isNotNull();
    }
  }
}
