package dev.nst.backend.nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.DeviceUnavailableException;
import dev.nst.api.spi.Availability;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.api.spi.BackendProvider;
import dev.nst.api.spi.Device;
import dev.nst.backend.onnx.OnnxBackendProvider;
import dev.nst.core.backend.Backends;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/** Discovery, probing and the device ND4J really uses (this build: nd4j-native with oneDNN). */
class Nd4jBackendProviderTest {

  @Test
  void isDiscoveredByServiceLoaderBelowOnnx() {
    List<String> names = ServiceLoader.load(BackendProvider.class).stream().map(p -> p.get().name()).toList();
    assertThat(names).contains("nd4j", "onnx");
    assertThat(new Nd4jBackendProvider().priority()).isEqualTo(50).isLessThan(new OnnxBackendProvider().priority());
    assertThat(Backends.select("nd4j")).isInstanceOf(Nd4jBackendProvider.class);
  }

  @Test
  void probeReportsTheCpuBackendWithOneDnn() {
    Availability a = new Nd4jBackendProvider().probe();
    assertThat(a.available()).isTrue();
    assertThat(a.devices()).containsExactly(Device.CPU);
    assertThat(a.detail()).contains("ND4J 1.0.0-M2.1", "CpuBackend", "NativeOpExecutioner", "oneDNN");
  }

  @Test
  void deviceIsWhatNd4jRunsOn() {
    try (Backend b = new Nd4jBackendProvider().open(BackendOptions.defaults())) {
      assertThat(b.name()).isEqualTo("nd4j");
      assertThat(b.device()).isEqualTo(Device.CPU);
      assertThat(Nd4j.getEnvironment().isCPU()).isTrue();
      assertThat(b.description()).contains(Nd4j.getBackend().getClass().getSimpleName())
          .contains(Nd4j.getExecutioner().getClass().getSimpleName()).contains("threads");
    }
  }

  @Test
  void aGpuRequestWithoutCudaSaysHowToGetOne() {
    assertThatThrownBy(() -> new Nd4jBackendProvider().open(new BackendOptions(Device.GPU, 0)))
        .isInstanceOf(DeviceUnavailableException.class)
        .hasMessageContaining("nd4j-cuda-11.6").hasMessageContaining("Device.CPU");
  }

  @Test
  void explicitThreadsReachNd4j() {
    int before = Nd4jRuntime.load().threads();
    try (Backend b = new Nd4jBackendProvider().open(new BackendOptions(Device.CPU, 1))) {
      assertThat(NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads()).isEqualTo(1);
      assertThat(Nd4j.factory().blas().getMaxThreads()).isEqualTo(1);
      assertThat(b.description()).contains("1 threads");
    } finally {
      Nd4jRuntime.setThreads(before);
    }
  }

  @Test
  void loadFailureMessageNamesTheCauseAndTheFix() {
    String m = Nd4jRuntime.loadFailure(new ExceptionInInitializerError(new UnsatisfiedLinkError("no jnind4jcpu")));
    assertThat(m).contains("did not load", "no jnind4jcpu", "nd4j-native", "classifier");
  }
}
