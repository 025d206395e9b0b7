package dev.nst.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nst.api.InputConvention;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Network;
import dev.nst.core.model.format.OnnxModelLoader;
import dev.nst.core.model.format.proto.ModelProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@link OnnxModelLoader#load} and {@link OnnxModelLoader#fromProto} with mutants of
 * every {@code testdata/reference/* /model.onnx} and of {@link TinyOnnx}: half format-blind
 * byte mutations loaded from a file, half protobuf-aware mutations ({@link OnnxMutator}) given
 * to {@code fromProto} (or, for nesting and one in four, written and loaded). Every mutant must
 * load into a usable network or fail with a {@link ModelLoadException} whose message says what
 * is wrong, within a timeout and without allocating far more than the file holds.
 */
class OnnxLoaderFuzzTest {
  static final long SEED = 0x6f6e6e78L; // "onnx"
  static final int NORMAL_BUDGET = 500;
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  static List<Path> referenceModels() throws IOException {
    Path dir = Path.of(System.getProperty("nst.testdata.dir", "../testdata"), "reference");
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(d -> d.resolve("model.onnx")).filter(Files::exists).sorted().toList();
    }
  }

  /** Allocation bound: the parsed model, its float copies and the layer copies, plus headroom. */
  static long allocationLimit(long inputBytes) {
    return (32L << 20) + 16 * inputBytes;
  }

  @Test
  void mutatedModelsLoadOrFailWithAModelLoadException(@TempDir Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    List<byte[]> seeds = new ArrayList<>();
    List<ModelProto> protos = new ArrayList<>();
    for (Path m : referenceModels()) {
      names.add(m.getParent().getFileName().toString());
      byte[] bytes = Files.readAllBytes(m);
      seeds.add(bytes);
      protos.add(ModelProto.parseFrom(bytes));
    }
    assertThat(seeds).as("reference models under nst.testdata.dir").hasSizeGreaterThanOrEqualTo(2);
    names.add("tiny");
    protos.add(TinyOnnx.model());
    seeds.add(TinyOnnx.model().toByteArray());
    // The seeds themselves must load, or the fuzzer would only ever test the failure path.
    for (int s = 0; s < seeds.size(); s++) {
      Path f = Files.write(dir.resolve("seed" + s + ".onnx"), seeds.get(s));
      assertThat(NetworkChecks.problem(OnnxModelLoader.load(f, InputConvention.TORCH))).as(names.get(s)).isNull();
    }

    int budget = FuzzRun.iterations(NORMAL_BUDGET);
    FuzzRun run = new FuzzRun("ONNX loader fuzz", SEED, TIMEOUT, ModelLoadException.class, true, dir.toString());
    Random random = new Random(run.seed());
    ByteMutator bytes = new ByteMutator(random);
    OnnxMutator protobuf = new OnnxMutator(random);
    Path file = dir.resolve("mutant.onnx");
    for (int i = 0; i < budget; i++) {
      // The tiny model is all structure: give it half the mutants.
      int s = random.nextBoolean() ? seeds.size() - 1 : random.nextInt(seeds.size() - 1);
      String seedName = names.get(s);
      if (random.nextBoolean()) {
        String[] what = new String[1];
        byte[] mutant = bytes.mutate(seeds.get(s), 4096, 512, what);
        Files.write(file, mutant);
        run.check(i, what[0] + " of " + seedName, allocationLimit(mutant.length),
            () -> OnnxModelLoader.load(file, InputConvention.TORCH), NetworkChecks::problem);
      } else {
        OnnxMutator.Mutant m = protobuf.mutate(protos.get(s));
        long size = m.model().getSerializedSize();
        if (m.mustSerialize() || random.nextInt(4) == 0) {
          Files.write(file, m.model().toByteArray());
          run.check(i, m.description() + " of " + seedName + " (file)", allocationLimit(size),
              () -> OnnxModelLoader.load(file, InputConvention.TORCH), NetworkChecks::problem);
        } else {
          run.check(i, m.description() + " of " + seedName, allocationLimit(size),
              () -> OnnxModelLoader.fromProto(m.model(), "mutant", InputConvention.TORCH), NetworkChecks::problem);
        }
      }
    }
    System.out.print(run.summary());
    assertThat(run.tried()).isEqualTo(budget);
    assertThat(run.findings()).as(run.summary()).isEmpty();
  }
}
