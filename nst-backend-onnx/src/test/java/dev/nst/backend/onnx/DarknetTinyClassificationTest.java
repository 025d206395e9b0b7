package dev.nst.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nst.api.FeatureExtractor;
import dev.nst.api.InputConvention;
import dev.nst.api.Network;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.api.spi.Backend;
import dev.nst.api.spi.BackendOptions;
import dev.nst.core.model.format.TfjsModelLoader;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The real pretrained Darknet Tiny, loaded from TF.js, runs on the ONNX backend and recognises
 * the sample cat photo. Darknet orders its 1000 classes by the ILSVRC2012 devkit IDs (kit fox,
 * English setter, Siberian husky, ...), not by sorted WordNet IDs: index 7 is n02124075 "Egyptian
 * cat". An independent PyTorch re-implementation from model.json gave the same top class. This
 * proves the loader (HWIO kernels, folded BatchNorm, LeakyReLU) and the forward graph end to end.
 */
class DarknetTinyClassificationTest {

  @Test
  void classifiesTheSampleCatAsACat() throws Exception {
    Path json = Path.of(System.getProperty("nst.shared.dir"), "models", "darknet-tiny", "model.json");
    assumeTrue(Files.exists(json), "../shared/models/darknet-tiny is absent (a fresh clone): skipping");
    Network net = TfjsModelLoader.load(json, InputConvention.UNIT);
    String logits = net.layerNames().get(net.layerNames().size() - 1);
    BufferedImage img = ImageIO.read(Path.of("../examples/images/chelsea.jpg").toFile());
    int w = 224;
    int h = 224;
    BufferedImage scaled = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    scaled.createGraphics().drawImage(img, 0, 0, w, h, null);
    float[] x = new float[3 * h * w];
    for (int y = 0; y < h; y++) {
      for (int xx = 0; xx < w; xx++) {
        int rgb = scaled.getRGB(xx, y);
        x[y * w + xx] = ((rgb >> 16) & 255) / 255f;
        x[h * w + y * w + xx] = ((rgb >> 8) & 255) / 255f;
        x[2 * h * w + y * w + xx] = (rgb & 255) / 255f;
      }
    }
    try (Backend b = new OnnxBackendProvider().open(BackendOptions.defaults());
        FeatureExtractor fx = b.featureExtractor(net, Pooling.MAX)) {
      Map<String, Tensor> out = fx.forward(Tensor.adopt(x, 1, 3, h, w), List.of(logits));
      Tensor t = out.get(logits);
      int classes = t.dim(1);
      int hw = t.dim(2) * t.dim(3);
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        double s = 0;
        for (int i = 0; i < hw; i++) {
          s += t.get(c * hw + i);
        }
        if (s > bestScore) {
          bestScore = s;
          best = c;
        }
      }
      assertThat(classes).isEqualTo(1000);
      assertThat(best).as("top-1 class of the cat photo (7 = Egyptian cat in Darknet's order)").isEqualTo(7);
    }
  }
}
