package dev.nst.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.InputConvention;
import dev.nst.api.ModelLoadException;
import dev.nst.core.model.KerasH5Loader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per Keras HDF5 loader bug the fuzzer found; each names what happened before the fix.
 * All start from {@link TinyKeras#vgg} (conv 3->4, conv 4->4, pool, conv 4->5, pool).
 */
class KerasH5LoaderRegressionTest {
  @TempDir Path tmp;

  private AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Path f) {
    return assertThatThrownBy(() -> KerasH5LoaderFuzzTest.load(f))
        .isExactlyInstanceOf(ModelLoadException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("malformed Keras weight file"));
  }

  private static byte[] dims(long... d) {
    ByteBuffer b = ByteBuffer.allocate(8 * d.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : d) {
      b.putLong(v);
    }
    return b.array();
  }

  /**
   * Rewrites the declared dimensions [3, 3, 3, 4] of block1_conv1's kernel in the h5py fixture
   * (superblock 0, no checksums; jhdf writes checksummed headers, so a rewrite there is a checksum error).
   */
  private Path withKernelDims(long... newDims) throws IOException {
    byte[] b;
    try (var in = getClass().getResourceAsStream(KerasH5LoaderFuzzTest.FIXTURE)) {
      b = in.readAllBytes();
    }
    int at = KerasH5Mutator.indexOf(b, dims(3, 3, 3, 4), 0);
    assertThat(at).isNotNegative();
    System.arraycopy(dims(newDims), 0, b, at, 32);
    return Files.write(tmp.resolve("dims.h5"), b);
  }

  /** Before: jhdf's getDimensions threw ArithmeticException (integer overflow), reported by the last-resort catch. */
  @Test
  void dimensionsBeyondIntAreRefusedNamingTheWeight() throws IOException {
    assertRefused(withKernelDims(3, 3, 1L << 40, 4))
        .hasMessageContaining("weight 'block1_conv1_W_1:0' of layer 'block1_conv1' has shape")
        .hasMessageContaining("every dimension must lie in 1..65536");
  }

  /** Before: a contiguous kernel declaring more values than stored made jhdf read past its data (or allocate the declared size). */
  @Test
  void declaredSizeAboveTheStoredDataIsRefusedBeforeReading() throws IOException {
    long before = FuzzRun.allocatedBytes();
    assertRefused(withKernelDims(3, 3, 3, 60_000))
        .hasMessageContaining("claims 6480000 bytes of data but the whole file has 11008; the file is corrupt");
    long after = FuzzRun.allocatedBytes();
    if (before >= 0) {
      assertThat(after - before).isLessThan(32L << 20);
    }
  }

  /** Before: NaN and infinite weights loaded, and every run of the model produced NaN. */
  @Test
  void nonFiniteWeightsAreRefused() {
    TinyKeras.Spec spec = TinyKeras.vgg(true, false);
    float[] bias = TinyKeras.bias(4);
    bias[2] = Float.NEGATIVE_INFINITY;
    spec.layers.get(1).datasets.put("block1_conv1/bias:0", bias);
    assertRefused(TinyKeras.write(spec, tmp.resolve("inf.h5")))
        .hasMessageContaining("of layer 'block1_conv1' holds -Infinity at index 2");
  }

  /** Before: an int32 kernel failed only after it was read, with "holds int values". */
  @Test
  void integerWeightsAreRefusedWithAdvice() {
    TinyKeras.Spec spec = TinyKeras.vgg(false, false);
    spec.layers.get(1).datasets.put("block1_conv1_W_1:0", new int[3][3][3][4]);
    assertRefused(TinyKeras.write(spec, tmp.resolve("int.h5")))
        .hasMessageContaining("holds int values; nst reads float32 and float64 weights: re-save the weights as float32");
  }

  /** Before: a weight_names entry jhdf refuses as a path ("", "/", "//") escaped as "not a readable HDF5 file". */
  @Test
  void unusableWeightNamesNameTheLayer() {
    for (String bad : List.of("//", "/", "")) {
      TinyKeras.Spec spec = TinyKeras.vgg(false, false);
      spec.layers.get(1).weightNames = new String[] {bad, "block1_conv1_b_1:0"};
      assertRefused(TinyKeras.write(spec, tmp.resolve("names.h5")))
          .hasMessageContaining("layer 'block1_conv1'");
    }
  }

  /**
   * Before: corrupt compressed data (DataFormatException) and corrupt chunk indexes (jhdf's plain
   * ArithmeticException, integer overflow) came out as "malformed Keras weight file
   * (java.lang.ArithmeticException: integer overflow)" or as "a truncated download" for a file of
   * the right length. Now every such mutant names the file and says it is corrupt.
   */
  @Test
  void corruptCompressedDataSaysTheFileIsCorrupt() throws IOException {
    byte[] seed = Files.readAllBytes(TinyKeras.write(TinyKeras.vgg(false, true), tmp.resolve("seed.h5")));
    Random r = new Random(161);
    Path f = tmp.resolve("corrupt.h5");
    for (int i = 0; i < 200; i++) {
      byte[] b = seed.clone();
      b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
      Files.write(f, b);
      try {
        KerasH5LoaderFuzzTest.load(f);
      } catch (ModelLoadException e) {
        assertThat(e.getMessage()).doesNotContain("malformed Keras weight file").doesNotContain("truncated download")
            .containsAnyOf("corrupt", "truncated", "layer", "weight");
      }
    }
  }

  @Test
  void theSeedsStillLoad() {
    for (boolean keras2 : new boolean[] {false, true}) {
      for (boolean deflate : new boolean[] {false, true}) {
        Path f = TinyKeras.write(TinyKeras.vgg(keras2, deflate), tmp.resolve("ok.h5"));
        assertThat(NetworkChecks.problem(KerasH5Loader.load(f, InputConvention.CAFFE))).isNull();
      }
    }
  }
}
