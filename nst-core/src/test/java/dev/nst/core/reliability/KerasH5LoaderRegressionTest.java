package dev.nst.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.InputConvention;
import dev.nst.api.ModelLoadException;
import dev.nst.core.model.format.KerasH5Loader;
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

  /** The committed h5py fixture (superblock 0: version 1 object headers, symbol-table groups with local heaps). */
  private static byte[] fixture() throws IOException {
    try (var in = KerasH5LoaderRegressionTest.class.getResourceAsStream(KerasH5LoaderFuzzTest.FIXTURE)) {
      return in.readAllBytes();
    }
  }

  /** A {@link TinyKeras#vgg} file as jhdf writes it (superblock 3: version 2 object headers). */
  private byte[] tiny(boolean keras2, boolean deflate) throws IOException {
    return Files.readAllBytes(TinyKeras.write(TinyKeras.vgg(keras2, deflate), tmp.resolve("seed.h5")));
  }

  /**
   * Loads {@code mutant}, which declares a structure running past the end of the file, and checks
   * that the loader refuses it, says so, and allocates under 32 MiB on the way (the fuzzer's bound
   * for these few-KB files is 32 MiB + 16 x the size).
   */
  private void refusedWithoutAllocating(byte[] mutant) throws IOException {
    Path f = Files.write(tmp.resolve("past-end.h5"), mutant);
    long before = FuzzRun.allocatedBytes();
    assertRefused(f).hasMessageContaining("corrupt")
        .hasMessageMatching("(?s).*a structure it points to would end (at byte \\d+ but the file has only "
            + mutant.length + " bytes|past 2 GiB, beyond the end of the file).*");
    long after = FuzzRun.allocatedBytes();
    if (before >= 0) {
      assertThat(after - before).as("bytes allocated").isLessThan(32L << 20);
    }
  }

  private static byte[] overwrite(byte[] b, int at, int count, int value) {
    byte[] m = b.clone();
    java.util.Arrays.fill(m, at, at + count, (byte) value);
    return m;
  }

  /*
   * jhdf's file-channel storage copied every structure into a new heap buffer of the length the
   * file declares for it, before finding out that the file is shorter. The fuzzer's long run
   * found 33 such mutants (34 MB to 4.3 GB allocated for files of 3.6 to 11 KB), at five places
   * in jhdf; one test each, with a recipe from the fuzzer's log. The loader now reads through
   * jhdf's in-memory storage over a memory map, which slices instead of copying.
   */

  /** Before: 269 MB allocated (ObjectHeaderV2: the root group's chunk-0 size). Fuzz "overwrite 5 bytes at 70 with 0x10 of jhdf keras1". */
  @Test
  void objectHeaderV2ChunkSizePastTheEndIsRefusedWithoutAllocating() throws IOException {
    refusedWithoutAllocating(overwrite(tiny(false, false), 70, 5, 0x10));
  }

  /** Before: 270 MB allocated (ObjectHeaderV1: a layer's header size). Fuzz "overwrite 4 bytes at 5856 with 0x10 of h5py keras1". */
  @Test
  void objectHeaderV1SizePastTheEndIsRefusedWithoutAllocating() throws IOException {
    refusedWithoutAllocating(overwrite(fixture(), 5856, 4, 0x10));
  }

  /** Before: 116 MB allocated (ObjectHeaderV1: a continuation message's length). Fuzz "randomise 5 bytes at 743 of h5py keras1". */
  @Test
  void objectHeaderV1ContinuationPastTheEndIsRefusedWithoutAllocating() throws IOException {
    byte[] m = fixture();
    System.arraycopy(new byte[] {0x71, (byte) 0x82, 0x2c, (byte) 0xeb, 0x06}, 0, m, 743, 5);
    refusedWithoutAllocating(m);
  }

  /** Before: 108 MB allocated (ObjectHeaderV2: a continuation message's length). Fuzz "overwrite 4 bytes at 852 with 0x10 of jhdf keras2 deflate". */
  @Test
  void objectHeaderV2ContinuationPastTheEndIsRefusedWithoutAllocating() throws IOException {
    refusedWithoutAllocating(overwrite(tiny(true, true), 852, 4, 0x10));
  }

  /** Before: 1.07 GB allocated (LocalHeap: the root group's data segment size). Fuzz "bit flips at 691 of h5py keras1" (bit 6). */
  @Test
  void localHeapPastTheEndIsRefusedWithoutAllocating() throws IOException {
    byte[] m = fixture();
    m[691] ^= 0x40;
    refusedWithoutAllocating(m);
  }

  /**
   * With the in-memory storage, jhdf's "path not found" exception failed while it was being built
   * (it names the file, and an in-memory file has none), so the message said "No backing file.
   * In-memory". Found by comparing the fuzzer's 20,000 messages before and after the change.
   */
  @Test
  void aWeightThatIsNotInTheFileNamesItsPath() {
    TinyKeras.Spec spec = TinyKeras.vgg(false, false);
    spec.layers.get(1).weightNames = new String[] {"missing:0", "block1_conv1_b_1:0"};
    assertRefused(TinyKeras.write(spec, tmp.resolve("missing.h5")))
        .hasMessageContaining("weight 'missing:0' listed in weight_names of layer 'block1_conv1' is not in the file "
            + "(nothing in the file has the path /block1_conv1/missing:0, or it is an external link")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("backing file"));
  }

  /** The signature check added with the memory map: a file that is not HDF5 at all says so. */
  @Test
  void aFileWithoutTheHdf5SignatureSaysSo() throws IOException {
    byte[] m = fixture();
    m[1] = 'X'; // "\x89XDF..."
    assertRefused(Files.write(tmp.resolve("nosig.h5"), m)).hasMessageContaining("not an HDF5 file (no HDF5 signature");
    assertRefused(Files.write(tmp.resolve("empty.h5"), new byte[0])).hasMessageContaining("not an HDF5 file");
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
