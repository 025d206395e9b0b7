package dev.nst.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nst.api.InputConvention;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Network;
import dev.nst.core.model.format.TfjsModelLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@link TfjsModelLoader#load} with {@link TfjsMutator} mutants of {@link TinyTfjs} and
 * (when {@code ../shared} is present) of Darknet Tiny copied to a temporary folder. Beside the
 * model folder lies an {@code outside} folder holding exact copies of every shard, so a shard
 * path that escaped the model folder would load successfully: mutants pointing there must fail.
 */
class TfjsLoaderFuzzTest {
  static final long SEED = 0x74666a73L; // "tfjs"
  static final int NORMAL_BUDGET_TINY = 500;
  static final int NORMAL_BUDGET_DARKNET = 150;
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  static Path darknetTiny() {
    return Path.of(System.getProperty("nst.shared.dir", "../../shared"), "models", "darknet-tiny");
  }

  @Test
  void mutatedTinyModelsLoadOrFailWithAModelLoadException(@TempDir Path tmp) throws IOException {
    Path model = Files.createDirectories(tmp.resolve("model"));
    TinyTfjs.write(model);
    Network seed = TfjsModelLoader.load(model.resolve("model.json"), InputConvention.UNIT);
    assertThat(seed.layerNames()).containsExactly("conv1_1", "relu1_1", "pool1", "conv2_1", "relu2_1", "pool2");
    FuzzRun run = fuzz("TF.js loader fuzz (tiny model)", SEED, tmp, model, FuzzRun.iterations(NORMAL_BUDGET_TINY));
    System.out.print(run.summary());
    assertThat(run.findings()).as(run.summary()).isEmpty();
  }

  @Test
  void mutatedDarknetTinyLoadsOrFailsWithAModelLoadException(@TempDir Path tmp) throws IOException {
    Path shared = darknetTiny();
    assumeTrue(Files.isRegularFile(shared.resolve("model.json")),
        shared + " is absent (a checkout without ../shared): skipping the Darknet Tiny fuzzer; the tiny-model fuzzer still runs");
    Path model = Files.createDirectories(tmp.resolve("model"));
    try (Stream<Path> files = Files.list(shared)) {
      for (Path f : files.toList()) {
        Files.copy(f, model.resolve(f.getFileName().toString()));
        model.resolve(f.getFileName().toString()).toFile().setWritable(true);
      }
    }
    assertThat(NetworkChecks.problem(TfjsModelLoader.load(model.resolve("model.json"), InputConvention.UNIT))).isNull();
    // Darknet is 30 groups of 4 MB in all: fewer mutants, each costlier.
    int budget = Math.max(1, FuzzRun.iterations(NORMAL_BUDGET_TINY) * NORMAL_BUDGET_DARKNET / NORMAL_BUDGET_TINY);
    FuzzRun run = fuzz("TF.js loader fuzz (Darknet Tiny)", SEED + 1, tmp, model, budget);
    System.out.print(run.summary());
    assertThat(run.findings()).as(run.summary()).isEmpty();
  }

  private static FuzzRun fuzz(String name, long seed, Path tmp, Path model, int budget) throws IOException {
    Path json = model.resolve("model.json");
    String seedJson = Files.readString(json);
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Map<String, byte[]> shards = new LinkedHashMap<>();
    long folderBytes = seedJson.length();
    try (Stream<Path> files = Files.list(model)) {
      for (Path f : files.filter(p -> !p.getFileName().toString().endsWith(".json")).toList()) {
        byte[] b = Files.readAllBytes(f);
        shards.put(f.getFileName().toString(), b);
        Files.write(outside.resolve(f.getFileName().toString()), b);
        folderBytes += b.length;
      }
    }
    Files.createDirectories(model.resolve(TfjsMutator.FOLDER));
    FuzzRun run = new FuzzRun(name, seed, TIMEOUT, ModelLoadException.class, true, tmp.toString());
    Random random = new Random(run.seed());
    TfjsMutator mutator = new TfjsMutator(random, shards, List.of("../outside", outside.toAbsolutePath().toString()));
    long limit = (32L << 20) + 16 * folderBytes;
    for (int i = 0; i < budget; i++) {
      TfjsMutator.Mutant m = mutator.mutate(seedJson);
      Files.deleteIfExists(model.resolve(TfjsMutator.MUTANT_SHARD));
      for (Map.Entry<String, byte[]> f : m.files().entrySet()) {
        Files.write(model.resolve(f.getKey()), f.getValue());
      }
      Files.write(json, m.json());
      run.check(i, m.description(), limit, () -> TfjsModelLoader.load(json, InputConvention.UNIT), n -> {
        if (m.mustFail() != null) {
          return "loaded although " + m.mustFail();
        }
        return NetworkChecks.problem(n);
      });
    }
    assertThat(run.tried()).isEqualTo(budget);
    return run;
  }
}
