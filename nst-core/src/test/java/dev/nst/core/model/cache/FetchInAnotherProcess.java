package dev.nst.core.model.cache;

import dev.nst.core.model.ModelFile;
import dev.nst.core.model.ModelFormat;
import dev.nst.core.model.ModelSpec;
import dev.nst.api.InputConvention;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Run by {@link ModelStoreTest} in a second JVM: fetches one single-file model into a cache,
 * to show that two processes sharing a cache take turns instead of corrupting it.
 * Arguments: cache directory, URL, size, SHA-256.
 */
public final class FetchInAnotherProcess {
  static final String MODEL = "processes";

  private FetchInAnotherProcess() {}

  public static void main(String[] args) {
    ModelFile f = new ModelFile("weights.onnx", List.of(URI.create(args[1])), Long.parseLong(args[2]), args[3], null);
    ModelSpec spec = new ModelSpec(MODEL, ModelFormat.ONNX, InputConvention.TORCH, List.of(f), ModelStoreTest.LAYERS,
        ModelStoreTest.LAYERS, "test", "test");
    Path p = ModelStore.builder(Environment.of(Map.of(), Map.of())).cacheDir(Path.of(args[0])).build().fetch(spec);
    System.out.println("fetched " + p);
  }
}
