package dev.nst.tck.naive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The suite's verdicts on backends that break its rules ({@link MisdeclaredSuites}): a declared
 * feature that compile does not honour fails (whether compile returns empty or ignores it), so
 * does a compiled feature left undeclared; a GPU
 * run where no GPU is present skips every test with the reason; a backend that opens on the CPU
 * when asked for a GPU fails.
 */
class ConformanceSuiteVerdictsTest {
  private static final String FEATURES_PART = "dev.nst.tck.BackendConformanceSuite$DeclaredFeatures";
  private static final String COMPILE_TEST = "level 2: a declared feature compiles and agrees with level 1; "
      + "an undeclared one compiles to empty";

  @Test
  void declaredFeaturesThatCompileToEmptyFail() {
    Outcomes o = run(selectNestedClass(List.of(MisdeclaredSuites.SilentFallback.class.getName()), FEATURES_PART));
    assertThat(o.failed().keySet()).containsExactlyInAnyOrder(
        COMPILE_TEST + " > STYLE_MASKS", COMPILE_TEST + " > NORMALIZED_GRADIENTS");
    assertThat(o.failed().values()).allSatisfy(message -> assertThat(message)
        .contains("backend 'naive-java' on CPU declares")
        .contains("compile returned empty, so a run would fall back to level 1 silently"));
    assertThat(o.succeeded()).hasSize(12);
  }

  @Test
  void compiledFeaturesLeftUndeclaredFail() {
    Outcomes o = run(selectNestedClass(List.of(MisdeclaredSuites.Undeclared.class.getName()), FEATURES_PART));
    assertThat(o.failed()).containsOnlyKeys(COMPILE_TEST + " > STYLE_MASKS", COMPILE_TEST + " > NORMALIZED_GRADIENTS");
    assertThat(o.failed().get(COMPILE_TEST + " > STYLE_MASKS"))
        .contains("compiled a spec that needs [STYLE_MASKS], which its conformance test does not declare");
    assertThat(o.succeeded()).hasSize(12);
  }

  @Test
  void compiledObjectivesThatIgnoreADeclaredFeatureFailAgainstLevel1() {
    Outcomes o = run(selectNestedClass(List.of(MisdeclaredSuites.CarelessCompile.class.getName()), FEATURES_PART));
    assertThat(o.failed()).containsOnlyKeys(COMPILE_TEST + " > STYLE_MASKS", COMPILE_TEST + " > NORMALIZED_GRADIENTS");
    assertThat(o.failed().get(COMPILE_TEST + " > STYLE_MASKS")).startsWith("STYLE_MASKS: level 2 total vs level 1");
    assertThat(o.failed().get(COMPILE_TEST + " > NORMALIZED_GRADIENTS"))
        .startsWith("NORMALIZED_GRADIENTS: level 2 gradient vs level 1: relative L2 difference");
    assertThat(o.succeeded()).hasSize(12);
  }

  @Test
  void gpuRunOfACpuOnlyBackendSkipsEveryTestWithTheProbesReason() {
    Outcomes o = run(selectClass(MisdeclaredSuites.GpuOfCpuOnlyBackend.class));
    assertThat(o.failed()).isEmpty();
    assertThat(o.succeeded()).isEmpty();
    assertThat(o.aborted().keySet())
        .anyMatch(test -> test.startsWith("reference cases > case01_default > "))
        .anyMatch(test -> test.startsWith("level 1: backward of the tiny network"))
        .anyMatch(test -> test.startsWith(COMPILE_TEST))
        .anyMatch(test -> test.startsWith("lifecycle: "))
        .anyMatch(test -> test.startsWith("bad input: "));
    assertThat(o.aborted().values()).allSatisfy(reason -> assertThat(reason)
        .isEqualTo("Assumption failed: backend 'naive-java' offers [CPU] here, not the GPU this conformance run asks for, so it is "
            + "skipped (pure Java, single thread)"));
  }

  @Test
  void gpuRunSkipsWithTheMessageOfDeviceUnavailableException() {
    Outcomes o = run(selectClass(MisdeclaredSuites.GpuThatDoesNotOpen.class));
    assertThat(o.failed()).isEmpty();
    assertThat(o.succeeded()).isEmpty();
    assertThat(o.aborted()).isNotEmpty();
    assertThat(o.aborted().values()).allSatisfy(reason -> assertThat(reason)
        .contains("cannot open GPU here")
        .contains("the naive Java backend runs on the CPU only"));
  }

  @Test
  void gpuRunThatOpensOnTheCpuFails() {
    Outcomes o = run(selectClass(MisdeclaredSuites.GpuOpenedOnCpu.class));
    assertThat(o.succeeded()).isEmpty();
    assertThat(o.aborted()).isEmpty();
    assertThat(o.failed().values()).singleElement().asString()
        .contains("was asked for GPU but opened on CPU");
  }

  /** Display paths (below the class) of finished tests and containers, by result, with messages. */
  private record Outcomes(List<String> succeeded, Map<String, String> failed, Map<String, String> aborted) {}

  private static Outcomes run(DiscoverySelector selector) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selector).build();
    Recorder recorder = new Recorder();
    LauncherFactory.create().execute(request, recorder);
    return new Outcomes(List.copyOf(recorder.succeeded), Map.copyOf(recorder.failed), Map.copyOf(recorder.aborted));
  }

  private static final class Recorder implements TestExecutionListener {
    private final List<String> succeeded = new ArrayList<>();
    private final Map<String, String> failed = new ConcurrentHashMap<>();
    private final Map<String, String> aborted = new ConcurrentHashMap<>();
    private TestPlan plan;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
      plan = testPlan;
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
      String message = result.getThrowable().map(t -> String.valueOf(t.getMessage())).orElse("");
      switch (result.getStatus()) {
        case SUCCESSFUL -> {
          if (id.isTest()) {
            succeeded.add(path(id));
          }
        }
        case FAILED -> failed.put(path(id), message);
        case ABORTED -> aborted.put(path(id), message);
      }
    }

    /** The display names from below the suite class down to {@code id}, joined by " > ". */
    private String path(TestIdentifier id) {
      List<String> names = new ArrayList<>();
      for (Optional<TestIdentifier> t = Optional.of(id); t.isPresent(); t = plan.getParent(t.get())) {
        if (t.get().getSource().map(s -> s instanceof org.junit.platform.engine.support.descriptor.ClassSource)
            .orElse(true)) {
          break;
        }
        names.add(0, t.get().getDisplayName());
      }
      return names.stream().collect(Collectors.joining(" > "));
    }
  }
}
