package dev.nst.backend.onnx;

import static com.google.common.base.Preconditions.checkArgument;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.nst.api.RunFailedException;
import dev.nst.api.StyleLossKind;
import dev.nst.api.spi.TileSpec;
import dev.nst.core.spi.AbstractTileObjective;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The tile objective on ONNX Runtime: two sessions ({@link TileGraphs}), every input and the
 * gradient bound to direct buffers once, so a call copies the tile's inputs in and its outputs
 * out and allocates nothing tile-sized.
 */
final class OnnxTileObjective extends AbstractTileObjective {
  private final Resources resources = new Resources();
  private final OrtSession statistics;
  private final OrtSession gradientSession;
  /** Every input buffer by name; the two sessions share the image and the style masks. */
  private final Map<String, FloatBuffer> buffers = new HashMap<>();
  private final Map<String, OnnxTensor> statisticsInputs = new HashMap<>();
  private final Map<String, OnnxTensor> gradientInputs = new HashMap<>();
  private final FloatBuffer gradientBuffer;
  private final Map<String, OnnxValue> pinned = new HashMap<>();
  /** The outputs of the statistics pass: each style term's statistics, and a W2 term's first moment. */
  private final Set<String> grams = new LinkedHashSet<>();
  /** The sums of the gradient pass: each content term's, then each histogram term's. */
  private final List<String> sums;
  /** Each Gram term's own Gram matrix, an output of the gradient pass. */
  private final List<String> ownGrams = new java.util.ArrayList<>();

  OnnxTileObjective(OnnxBackend backend, TileGraphs graphs, TileSpec spec, int channels) {
    super(spec, channels, OnnxBackendProvider.NAME);
    int[] image = imageShape();
    try {
      statistics = graphs.statistics == null ? null
          : resources.track(backend.session(graphs.statistics, "the statistics pass of a tile"));
      gradientSession = resources.track(backend.session(graphs.gradient, "the gradient pass of a tile"));
      OnnxTensor x = bind(backend, IMAGE, image);
      gradientInputs.put(IMAGE, x);
      if (statistics != null) {
        statisticsInputs.put(IMAGE, x);
      }
      for (int i = 0; i < styleTerms(); i++) {
        int[] s = graphs.styleShapes.get(i);
        OnnxTensor mask = bind(backend, styleMask(i), new int[] {1, 1, s[2], s[3]});
        statisticsInputs.put(styleMask(i), mask);
        gradientInputs.put(styleMask(i), mask);
        grams.add(TileGraphs.gram(i));
        if (style(i).kind() == StyleLossKind.HISTOGRAM) {
          gradientInputs.put(styleTable(i), bind(backend, styleTable(i), new int[] {s[1] * (style(i).binCount() + 1)}));
          gradientInputs.put(styleScale(i), bind(backend, styleScale(i), new int[] {1}));
          continue;
        }
        gradientInputs.put(styleMatrix(i), bind(backend, styleMatrix(i), new int[] {s[1], s[1]}));
        if (style(i).kind() == StyleLossKind.GRAM) {
          gradientInputs.put(styleSelf(i), bind(backend, styleSelf(i), new int[] {1}));
          ownGrams.add(TileGraphs.ownGram(i));
        }
        if (style(i).kind() == StyleLossKind.W2) {
          gradientInputs.put(styleOffset(i), bind(backend, styleOffset(i), new int[] {s[1], 1}));
          grams.add(TileGraphs.moment(i));
        }
      }
      for (int i = 0; i < contentTerms(); i++) {
        int[] s = graphs.contentShapes.get(i);
        gradientInputs.put(contentTarget(i), bind(backend, contentTarget(i), s));
        gradientInputs.put(contentMask(i), bind(backend, contentMask(i), new int[] {1, 1, s[2], s[3]}));
        gradientInputs.put(contentScale(i), bind(backend, contentScale(i), new int[] {1}));
      }
      sums = Stream.concat(IntStream.range(0, contentTerms()).mapToObj(TileGraphs::contentSum),
          IntStream.range(0, styleTerms()).filter(i -> style(i).kind() == StyleLossKind.HISTOGRAM)
              .mapToObj(TileGraphs::styleSum)).toList();
      gradientBuffer = Resources.directFloats(image[1] * image[2] * image[3]);
      pinned.put(TileGraphs.GRADIENT, resources.tensor(backend.env(), gradientBuffer, image));
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
    int n = 1;
    for (int d : shape) {
      n = Math.multiplyExact(n, d);
    }
    FloatBuffer b = Resources.directFloats(n);
    buffers.put(name, b);
    return resources.tensor(backend.env(), b, shape);
  }

  @Override
  protected void feed(String input, float[] values, int from, int length) {
    FloatBuffer b = buffers.get(input);
    checkArgument(length == b.capacity() && from + length <= values.length, "%s holds %s values where the tile "
        + "needs %s", input, Math.min(length, values.length - from), b.capacity());
    b.clear();
    b.put(values, from, length);
  }

  @Override
  protected void runStatistics(float[][] out) {
    try (OrtSession.Result r = statistics.run(statisticsInputs, grams)) {
      for (int i = 0; i < out.length; i++) {
        FloatBuffer main = ((OnnxTensor) r.get(TileGraphs.gram(i)).orElseThrow()).getFloatBuffer();
        int n = main.remaining();
        main.get(out[i], 0, n);
        if (style(i).kind() == StyleLossKind.W2) {
          ((OnnxTensor) r.get(TileGraphs.moment(i)).orElseThrow()).getFloatBuffer().get(out[i], n, out[i].length - n);
        }
      }
    } catch (OrtException e) {
      throw new RunFailedException("ONNX Runtime failed in the statistics pass of a tile: " + e.getMessage(), e);
    }
  }

  @Override
  protected double[] runGradient(float[] gradient) {
    return runGradientWithOwnStatistics(gradient, null);
  }

  @Override
  protected boolean formsOwnStatistics() {
    return true;
  }

  @Override
  protected double[] runGradientWithOwnStatistics(float[] gradient, float[][] grams) {
    double[] out = new double[sums.size()];
    Set<String> outputs = new LinkedHashSet<>(sums);
    if (grams != null) {
      outputs.addAll(ownGrams);
    }
    try (OrtSession.Result r = gradientSession.run(gradientInputs, outputs, pinned)) {
      for (int i = 0; i < out.length; i++) {
        out[i] = ((OnnxTensor) r.get(sums.get(i)).orElseThrow()).getDoubleBuffer().get(0);
      }
      for (int i = 0; grams != null && i < grams.length; i++) {
        ((OnnxTensor) r.get(ownGrams.get(i)).orElseThrow()).getFloatBuffer().get(grams[i]);
      }
    } catch (OrtException e) {
      throw new RunFailedException("ONNX Runtime failed in the gradient pass of a tile: " + e.getMessage(), e);
    }
    gradientBuffer.rewind();
    gradientBuffer.get(gradient);
    return out;
  }

  @Override
  protected void release() {
    resources.close();
  }
}
