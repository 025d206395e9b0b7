package dev.nst.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nst.api.BadImageException;
import dev.nst.api.InputConvention;
import dev.nst.api.Layer;
import dev.nst.api.Network;
import dev.nst.api.Padding;
import dev.nst.api.Pooling;
import dev.nst.api.Tensor;
import dev.nst.core.image.Images;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images too small for the network at their size after resizing. Before: a content image of
 * 4000 x 2 at 64 px (64 x 1) got as far as the network's shape check, whose message ("an input
 * of 1x64 is too small for network ...") named neither the file nor the size the network
 * needs, and a style image made tiny by the style scale failed only when its targets were
 * computed, after the backend had opened.
 */
class InputSizesTest {
  @TempDir Path dir;

  /** conv 3x3 (valid), relu, pool 2/2, conv 3x3 (valid): every layer keeps a pixel from 8 x 8 up. */
  static Network pooled() {
    return new Network("pooled", InputConvention.UNIT, 3, List.of(
        new Layer.Convolution("conv1_1", Tensor.zeros(4, 3, 3, 3), Tensor.zeros(4), 1, Padding.NONE),
        new Layer.Relu("relu1_1"),
        new Layer.Pool("pool1", Pooling.MAX, 2, 2, Padding.NONE),
        new Layer.Convolution("conv2_1", Tensor.zeros(4, 4, 3, 3), Tensor.zeros(4), 1, Padding.NONE)));
  }

  private Path png(String name, int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Path f = dir.resolve(name);
    Images.write(img, f);
    return f;
  }

  private StyleTransfer.Builder run(Path content, Path style) {
    // the test backend cannot run this network: the checks must refuse before any backend opens
    return StyleTransfer.builder().backend(HostTestBackend.NAME).model(pooled()).contentLayers("conv2_1")
        .styleLayers("conv1_1").content(content).style(style).size(64).iterations(2);
  }

  @Test
  void aLongThinContentImageIsRefusedNamingTheFileItsSizeAndTheMinimum() {
    Path wide = png("wide.png", 4000, 2);
    Path style = png("style.png", 40, 30);
    assertThatThrownBy(() -> run(wide, style).build().run()).isInstanceOf(BadImageException.class)
        .hasMessage("the content image " + wide + " (4000x2) is 64x1 when resized to a long side of 64 px, smaller "
            + "than the 8x8 network pooled needs (sizes are width x height; every layer must keep at least one "
            + "pixel); use a larger size, or crop the image closer to square");
    Path tall = png("tall.png", 2, 4000);
    assertThatThrownBy(() -> run(tall, style).build().run()).isInstanceOf(BadImageException.class)
        .hasMessageStartingWith("the content image " + tall + " (2x4000) is 1x64 when resized to a long side of 64 px");
  }

  @Test
  void aStyleImageMadeTinyByTheStyleScaleIsRefusedNamingTheScale() {
    Path content = png("content.png", 64, 48);
    Path style = png("style.png", 40, 30);
    assertThatThrownBy(() -> run(content, style).styleScale(0.1).build().run()).isInstanceOf(BadImageException.class)
        .hasMessage("the style image " + style + " (40x30) is 6x5 when resized to a long side of 6 px (style scale "
            + "0.1 of 64 px), smaller than the 8x8 network pooled needs (sizes are width x height; every layer must "
            + "keep at least one pixel); use a larger style scale or size, or crop the image closer to square");
  }

  @Test
  void theSmallestScaleOfACoarseToFineScheduleIsChecked() {
    Path content = png("content.png", 400, 40);
    Path style = png("style.png", 40, 30);
    assertThatThrownBy(() -> run(content, style).scales(new Scales(List.of(48, 200), List.of(1, 1))).build().run())
        .isInstanceOf(BadImageException.class)
        .hasMessageStartingWith("the content image " + content + " (400x40) is 48x5 when resized to a long side of 48");
  }

  @Test
  void inMemoryImagesAreNamedAsSuch() {
    BufferedImage wide = new BufferedImage(4000, 2, BufferedImage.TYPE_INT_RGB);
    BufferedImage style = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
    assertThatThrownBy(() -> StyleTransfer.builder().backend(HostTestBackend.NAME).model(pooled())
        .contentLayers("conv2_1").styleLayers("conv1_1").content(wide).style(style).size(64).build().run())
        .isInstanceOf(BadImageException.class)
        .hasMessageStartingWith("the content image an image given in memory (4000x2) is 64x1");
  }

  /** The minimum is exact: the network takes it, and one pixel less along either side fails. */
  @Test
  void theMinimumInputSizeIsTheSmallestTheNetworkTakes() {
    SplittableRandom rnd = new SplittableRandom(7);
    List<Network> networks = new ArrayList<>(List.of(pooled(), HostTestBackend.network()));
    for (int n = 0; n < 300; n++) {
      List<Layer> layers = new ArrayList<>();
      int channels = 3;
      for (int i = 0; i < 1 + rnd.nextInt(6); i++) {
        int stride = 1 + rnd.nextInt(3);
        Padding pad = new Padding(rnd.nextInt(3), rnd.nextInt(3), rnd.nextInt(3), rnd.nextInt(3));
        if (rnd.nextBoolean()) {
          int kh = 1 + rnd.nextInt(5);
          int kw = 1 + rnd.nextInt(5);
          layers.add(new Layer.Convolution("c" + i, Tensor.zeros(2, channels, kh, kw), Tensor.zeros(2), stride, pad));
          channels = 2;
        } else {
          int k = 1 + rnd.nextInt(4);
          Padding small = new Padding(Math.min(pad.top(), k - 1), Math.min(pad.left(), k - 1),
              Math.min(pad.bottom(), k - 1), Math.min(pad.right(), k - 1));
          layers.add(new Layer.Pool("p" + i, Pooling.MAX, k, stride, small));
        }
      }
      networks.add(new Network("random" + n, InputConvention.UNIT, 3, layers));
    }
    for (Network net : networks) {
      int[] min = net.minimumInputSize();
      assertThat(net.shapes(min[0], min[1])).as(net.name()).hasSize(net.layers().size());
      if (min[0] > 1) {
        assertThatThrownBy(() -> net.shapes(min[0] - 1, min[1])).as(net.name())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageEndingWith("it needs at least " + min[0] + "x" + min[1]);
      }
      if (min[1] > 1) {
        assertThatThrownBy(() -> net.shapes(min[0], min[1] - 1)).as(net.name())
            .isInstanceOf(IllegalArgumentException.class);
      }
    }
    assertThat(pooled().minimumInputSize()).containsExactly(8, 8);
  }
}
