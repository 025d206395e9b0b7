package dev.nst.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.api.InputConvention;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Network;
import dev.nst.api.NstException;
import dev.nst.core.model.format.KerasH5Loader;
import io.jhdf.exceptions.HdfException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@link KerasH5Loader#load} with mutants of the h5py-written fixture
 * {@code keras1_vgg_notop.h5} and of {@link TinyKeras} files (Keras 1 and Keras 2 layouts,
 * contiguous and chunked + deflated): format-blind byte mutations ({@link ByteMutator}),
 * rewritten dataset dimensions and names in the written bytes, and Keras-level changes written
 * with jhdf ({@link KerasH5Mutator}). Every mutant must load into a usable network or fail with
 * a {@link ModelLoadException} whose message says what is wrong, within a timeout and without
 * allocating far more than the file holds.
 *
 * <p>Strictness: as for the other loaders, a {@code ModelLoadException} wrapping an internal
 * exception (NullPointerException, BufferUnderflowException, ...) is a finding. jhdf's own
 * {@link HdfException} is allowed as a cause, as protobuf's parse exception is for ONNX: it is
 * the library's report of a malformed file, and the loader's message adds what to do.
 */
class KerasH5LoaderFuzzTest {
  static final long SEED = 0x6b657261L; // "kera"
  static final int NORMAL_BUDGET = 300;
  static final Duration TIMEOUT = Duration.ofSeconds(20);
  static final String FIXTURE = "/dev/nst/core/model/format/keras1_vgg_notop.h5";

  record Seed(String name, byte[] bytes, TinyKeras.Spec spec, List<int[]> shapes, List<String> names) {}

  static List<Seed> seeds(Path dir) throws IOException {
    List<String> names = List.of("input_1", "block1_conv1", "block1_conv2", "block1_pool", "block2_conv1",
        "block2_pool", "block1_conv1_W_1:0", "block1_conv1_b_1:0", "block2_conv1_W_1:0", "kernel:0", "bias:0");
    List<int[]> shapes = List.of(new int[] {3, 3, 3, 4}, new int[] {3, 3, 4, 4}, new int[] {3, 3, 4, 5},
        new int[] {4}, new int[] {5});
    List<Seed> seeds = new ArrayList<>();
    try (InputStream in = KerasH5LoaderFuzzTest.class.getResourceAsStream(FIXTURE)) {
      assertThat(in).as(FIXTURE).isNotNull();
      seeds.add(new Seed("h5py keras1", in.readAllBytes(), null, shapes, names));
    }
    for (boolean keras2 : new boolean[] {false, true}) {
      for (boolean deflate : new boolean[] {false, true}) {
        TinyKeras.Spec spec = TinyKeras.vgg(keras2, deflate);
        Path f = TinyKeras.write(spec, dir.resolve("seed.h5"));
        seeds.add(new Seed("jhdf keras" + (keras2 ? 2 : 1) + (deflate ? " deflate" : ""), Files.readAllBytes(f), spec,
            shapes, names));
      }
    }
    return seeds;
  }

  /** Allocation bound: as for ONNX, the parsed file, its float copies and the layer copies, plus headroom. */
  static long allocationLimit(long inputBytes) {
    return (32L << 20) + 16 * inputBytes;
  }

  /**
   * The load, with the strict cause check: a ModelLoadException whose causes are not all
   * NstException, IOException or HdfException becomes an AssertionError, which FuzzRun reports.
   * The walk stops at an HdfException: what jhdf wraps inside its own report is jhdf's business.
   * jhdf also throws plain ArithmeticException, IllegalArgumentException, ... on some corrupt
   * structures; those are allowed as causes when jhdf threw them and the loader's message names
   * the file (and, where it can, the weight) and says it is corrupt. The same exceptions thrown by
   * nst's own code, and the loader's last-resort "malformed Keras weight file", are findings.
   */
  static Network load(Path file) {
    try {
      return KerasH5Loader.load(file, InputConvention.CAFFE);
    } catch (ModelLoadException e) {
      if (e.getMessage().contains("malformed Keras weight file")) {
        throw new AssertionError("the last-resort catch: " + e.getMessage(), e);
      }
      for (Throwable c = e.getCause(); c != null && !(c instanceof HdfException); c = c.getCause()) {
        if (!(c instanceof NstException || c instanceof IOException || thrownInsideJhdf(c))) {
          throw new AssertionError("ModelLoadException wrapping an internal " + c.getClass().getName() + ": "
              + c.getMessage() + " at " + (c.getStackTrace().length > 0 ? c.getStackTrace()[0] : "?")
              + " (message: " + e.getMessage() + ")", e);
        }
      }
      throw e;
    }
  }

  /** Whether jhdf threw {@code t} itself (its first frame outside the JDK is jhdf's), not nst's own code. */
  static boolean thrownInsideJhdf(Throwable t) {
    for (StackTraceElement f : t.getStackTrace()) {
      String c = f.getClassName();
      if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.")) {
        return c.startsWith("io.jhdf.") || c.startsWith("org.apache.commons.");
      }
    }
    return false;
  }

  @Test
  void mutatedKerasFilesLoadOrFailWithAModelLoadException(@TempDir Path dir) throws IOException {
    List<Seed> seeds = seeds(dir);
    // The seeds themselves must load, or the fuzzer would only ever test the failure path.
    for (Seed s : seeds) {
      Path f = Files.write(dir.resolve("seed.h5"), s.bytes());
      Network n = KerasH5Loader.load(f, InputConvention.CAFFE);
      assertThat(NetworkChecks.problem(n)).as(s.name()).isNull();
      assertThat(n.layerNames()).as(s.name()).containsExactly("conv1_1", "relu1_1", "conv1_2", "relu1_2", "pool1",
          "conv2_1", "relu2_1", "pool2");
    }

    int budget = FuzzRun.iterations(NORMAL_BUDGET);
    FuzzRun run = new FuzzRun("Keras HDF5 loader fuzz", SEED, TIMEOUT, ModelLoadException.class, false, dir.toString());
    Random random = new Random(run.seed());
    ByteMutator bytes = new ByteMutator(random);
    KerasH5Mutator keras = new KerasH5Mutator(random);
    Path file = dir.resolve("mutant.h5");
    for (int i = 0; i < budget; i++) {
      Seed s = seeds.get(random.nextInt(seeds.size()));
      String[] what = new String[1];
      byte[] mutant = null;
      int r = random.nextInt(20);
      if (r < 4) {
        mutant = keras.rewriteDims(s.bytes(), s.shapes(), what);
      } else if (r < 6) {
        mutant = keras.renameOnce(s.bytes(), s.names(), what);
      } else if (r < 13 && s.spec() != null) {
        TinyKeras.Spec spec = keras.mutate(s.spec(), what);
        try {
          TinyKeras.write(spec, file);
          mutant = Files.readAllBytes(file);
          what[0] = "keras: " + what[0];
        } catch (RuntimeException e) {
          mutant = null; // jhdf cannot write it (an empty array, ...): use a byte mutant instead
        }
      }
      if (mutant == null) {
        // Small files: the whole file is structure, but bias towards the superblock and root group.
        mutant = bytes.mutate(s.bytes(), 2048, 0, what);
      }
      Files.write(file, mutant);
      run.check(i, what[0] + " of " + s.name(), allocationLimit(mutant.length), () -> load(file),
          NetworkChecks::problem);
    }
    System.out.print(run.summary());
    assertThat(run.tried()).isEqualTo(budget);
    assertThat(run.findings()).as(run.summary()).isEmpty();
  }
}
