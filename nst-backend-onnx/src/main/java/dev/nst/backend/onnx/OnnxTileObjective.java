package dev.nst.backend.onnx;

import static com.google.common.base.Preconditions.checkArgument;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.nst.api.RunFailedException;
import dev.nst.api.spi.TileObjective;
import dev.nst.api.spi.TileSpec;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tile objective on ONNX Runtime: two sessions ({@link TileGraphs}), every input and the
 * gradient bound to direct buffers once, so a call copies the tile's inputs in and its outputs
 * out and allocates nothing tile-sized.
 */
final class OnnxTileObjective implements TileObjective {
  private final Resources resources = new Resources();
  private final int[] imageShape;
  private final int contentTerms;
  private final int styleTerms;
  private final OrtSession statistics;
  private final OrtSession gradientSession;
  /** Every input buffer by name; the two sessions share the image and the style masks. */
  private final Map<String, FloatBuffer> buffers = new HashMap<>();
  private final Map<String, OnnxTensor> statisticsInputs = new HashMap<>();
  private final Map<String, OnnxTensor> gradientInputs = new HashMap<>();
  private final FloatBuffer gradientBuffer;
  private final Map<String, OnnxValue> pinned = new HashMap<>();
  private final Set<String> grams = new LinkedHashSet<>();
  private final Set<String> sums = new LinkedHashSet<>();

  OnnxTileObjective(OnnxBackend backend, TileGraphs graphs, TileSpec spec, int channels) {
    imageShape = new int[] {1, channels, spec.height(), spec.width()};
    contentTerms = spec.contentLayers().size();
    styleTerms = spec.styleLayers().size();
    try {
      statistics = graphs.statistics == null ? null
          : resources.track(backend.session(graphs.statistics, "the statistics pass of a tile"));
      gradientSession = resources.track(backend.session(graphs.gradient, "the gradient pass of a tile"));
      OnnxTensor image = bind(backend, TileGraphs.IMAGE, imageShape);
      gradientInputs.put(TileGraphs.IMAGE, image);
      if (statistics != null) {
        statisticsInputs.put(TileGraphs.IMAGE, image);
      }
      for (int i = 0; i < styleTerms; i++) {
        int[] s = graphs.styleShapes.get(i);
        OnnxTensor mask = bind(backend, TileGraphs.styleMask(i), new int[] {1, 1, s[2], s[3]});
        statisticsInputs.put(TileGraphs.styleMask(i), mask);
        gradientInputs.put(TileGraphs.styleMask(i), mask);
        gradientInputs.put(TileGraphs.styleMatrix(i), bind(backend, TileGraphs.styleMatrix(i), new int[] {s[1], s[1]}));
        grams.add(TileGraphs.gram(i));
      }
      for (int i = 0; i < contentTerms; i++) {
        int[] s = graphs.contentShapes.get(i);
        gradientInputs.put(TileGraphs.contentTarget(i), bind(backend, TileGraphs.contentTarget(i), s));
        gradientInputs.put(TileGraphs.contentMask(i), bind(backend, TileGraphs.contentMask(i),
            new int[] {1, 1, s[2], s[3]}));
        gradientInputs.put(TileGraphs.contentScale(i), bind(backend, TileGraphs.contentScale(i), new int[] {1}));
        sums.add(TileGraphs.contentSum(i));
      }
      gradientBuffer = Resources.directFloats(size(imageShape));
      pinned.put(TileGraphs.GRADIENT, resources.tensor(backend.env(), gradientBuffer, imageShape));
    } catch (OrtException e) {
      resources.close();
      throw new RunFailedException("ONNX Runtime could not hold the buffers of a " + spec.width() + "x"
          + spec.height() + " tile (" + e.getMessage() + "); free memory or use smaller tiles", e);
    } catch (RuntimeException e) {
      resources.close();
      throw e;
    }
  }

  private OnnxTensor bind(OnnxBackend backend, String name, int[] shape) throws OrtException {
    FloatBuffer b = Resources.directFloats(size(shape));
    buffers.put(name, b);
    return resources.tensor(backend.env(), b, shape);
  }

  private static int size(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  private void put(String name, float[] values) {
    FloatBuffer b = buffers.get(name);
    checkArgument(values.length == b.capacity(), "%s holds %s values where the tile needs %s", name, values.length,
        b.capacity());
    b.clear();
    b.put(values);
  }

  @Override
  public int[] imageShape() {
    return imageShape.clone();
  }

  @Override
  public void statistics(float[] tile, float[][] styleMasks, float[][] out) {
    resources.requireOpen("ONNX tile objective");
    checkArgument(styleMasks.length == styleTerms && out.length == styleTerms, "give one mask and one Gram per style "
        + "term (%s), got %s and %s", styleTerms, styleMasks.length, out.length);
    if (styleTerms == 0) {
      return;
    }
    put(TileGraphs.IMAGE, tile);
    for (int i = 0; i < styleTerms; i++) {
      put(TileGraphs.styleMask(i), styleMasks[i]);
    }
    try (OrtSession.Result r = statistics.run(statisticsInputs, grams)) {
      for (int i = 0; i < styleTerms; i++) {
        ((OnnxTensor) r.get(TileGraphs.gram(i)).orElseThrow()).getFloatBuffer().get(out[i]);
      }
    } catch (OrtException e) {
      throw new RunFailedException("ONNX Runtime failed in the statistics pass of a tile: " + e.getMessage(), e);
    }
  }

  @Override
  public double[] gradient(float[] tile, float[][] contentTargets, float[][] contentMasks, float[] contentScales,
      float[][] styleMasks, float[][] styleMatrices, float[] gradient) {
    resources.requireOpen("ONNX tile objective");
    checkArgument(contentTargets.length == contentTerms && contentMasks.length == contentTerms
        && contentScales.length == contentTerms, "give one target, mask and scale per content term (%s)", contentTerms);
    checkArgument(styleMasks.length == styleTerms && styleMatrices.length == styleTerms,
        "give one mask and one matrix per style term (%s)", styleTerms);
    checkArgument(gradient.length == size(imageShape), "the gradient must hold %s values for a tile of shape %s",
        size(imageShape), Arrays.toString(imageShape));
    put(TileGraphs.IMAGE, tile);
    for (int i = 0; i < contentTerms; i++) {
      put(TileGraphs.contentTarget(i), contentTargets[i]);
      put(TileGraphs.contentMask(i), contentMasks[i]);
      put(TileGraphs.contentScale(i), new float[] {contentScales[i]});
    }
    for (int i = 0; i < styleTerms; i++) {
      put(TileGraphs.styleMask(i), styleMasks[i]);
      put(TileGraphs.styleMatrix(i), styleMatrices[i]);
    }
    double[] out = new double[contentTerms];
    try (OrtSession.Result r = gradientSession.run(gradientInputs, sums, pinned)) {
      List<String> names = List.copyOf(sums);
      for (int i = 0; i < contentTerms; i++) {
        out[i] = ((OnnxTensor) r.get(names.get(i)).orElseThrow()).getDoubleBuffer().get(0);
      }
    } catch (OrtException e) {
      throw new RunFailedException("ONNX Runtime failed in the gradient pass of a tile: " + e.getMessage(), e);
    }
    gradientBuffer.rewind();
    gradientBuffer.get(gradient);
    return out;
  }

  @Override
  public void close() {
    resources.close();
  }
}
