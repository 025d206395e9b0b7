package dev.nst.tck.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nst.api.InputConvention;
import dev.nst.api.Tensor;
import dev.nst.core.image.Images;
import dev.nst.core.image.Preprocessing;
import dev.nst.tck.Npy;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** nst-core's preprocessing and its inverses against the reference data's preprocess cases. */
class PreprocessingTest {
  private static final int H = 37;
  private static final int W = 53;

  private static Path preprocess(String file) {
    return ReferenceCases.referenceDir().resolve("preprocess").resolve(file);
  }

  private static BufferedImage referenceImage() {
    return Images.read(preprocess("image.png"));
  }

  /** uint8 (H, W, 3) RGB reference as packed 0xRRGGBB pixels. */
  private static int[] hwcPixels(String file) {
    Npy.Array a = Npy.readDoubles(preprocess(file));
    assertThat(a.shape()).containsExactly(H, W, 3);
    int[] px = new int[H * W];
    for (int i = 0; i < px.length; i++) {
      px[i] = ((int) a.values()[3 * i] << 16) | ((int) a.values()[3 * i + 1] << 8) | (int) a.values()[3 * i + 2];
    }
    return px;
  }

  private static double maxAbsDiff(Tensor t, Npy.Array ref) {
    assertThat(t.shape()).containsExactly(ref.shape());
    double max = 0;
    for (int i = 0; i < t.size(); i++) {
      max = Math.max(max, Math.abs(t.get(i) - ref.values()[i]));
    }
    return max;
  }

  @Test
  void imagePngPixelsEqualPixelsNpy() {
    BufferedImage img = referenceImage();
    assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    assertThat(img.getWidth()).isEqualTo(W);
    assertThat(img.getHeight()).isEqualTo(H);
    int[] expected = hwcPixels("pixels.npy");
    assertThat(Preprocessing.rgbPixels(img)).isEqualTo(expected);
    // The image includes the extremes, so clipping paths below are exercised.
    assertThat(IntStream.of(expected).anyMatch(p -> (p & 0xff) == 0)).isTrue();
    assertThat(IntStream.of(expected).anyMatch(p -> (p & 0xff) == 255)).isTrue();
  }

  @Test
  void torchMatchesImagenetReference() {
    Tensor t = Preprocessing.toTensor(referenceImage(), InputConvention.TORCH);
    assertThat(t.shape()).containsExactly(1, 3, H, W);
    assertThat(maxAbsDiff(t, Npy.readDoubles(preprocess("imagenet.npy")))).isLessThanOrEqualTo(2e-6);
  }

  @Test
  void caffeMatchesCaffeReference() {
    Tensor t = Preprocessing.toTensor(referenceImage(), InputConvention.CAFFE);
    assertThat(t.shape()).containsExactly(1, 3, H, W);
    assertThat(maxAbsDiff(t, Npy.readDoubles(preprocess("caffe.npy")))).isLessThanOrEqualTo(5e-5);
  }

  @Test
  void caffeIsBgrOnThe255Scale() {
    BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 0xff8000); // R=255, G=128, B=0
    Tensor t = Preprocessing.toTensor(img, InputConvention.CAFFE);
    assertThat(t.toArray()).containsExactly(new float[] {-103.939f, 11.221f, 131.32f}, within(1e-5f));
    Tensor u = Preprocessing.toTensor(img, InputConvention.UNIT);
    assertThat(u.toArray()).containsExactly(new float[] {1f, 128f / 255f, 0f}, within(1e-7f));
  }

  @Test
  void deprocessRoundTripsReproduceThePixelsExactly() {
    int[] pixels = hwcPixels("pixels.npy");
    BufferedImage torch = Preprocessing.toImage(Npy.read(preprocess("imagenet.npy")), InputConvention.TORCH);
    assertThat(Preprocessing.rgbPixels(torch)).isEqualTo(hwcPixels("deprocess_imagenet_roundtrip.npy")).isEqualTo(pixels);
    BufferedImage caffe = Preprocessing.toImage(Npy.read(preprocess("caffe.npy")), InputConvention.CAFFE);
    assertThat(Preprocessing.rgbPixels(caffe)).isEqualTo(hwcPixels("deprocess_caffe_roundtrip.npy")).isEqualTo(pixels);
  }

  @Test
  void deprocessOfOutOfRangeValuesMatchesExpectedExactly() {
    Tensor in = Npy.read(preprocess("deprocess_input_imagenet.npy"));
    int[] expected = hwcPixels("deprocess_imagenet_expected.npy");
    assertThat(Preprocessing.rgbPixels(Preprocessing.toImage(in, InputConvention.TORCH))).isEqualTo(expected);
    // Same through the array overload.
    assertThat(Preprocessing.rgbPixels(Preprocessing.toImage(in.toArray(), H, W, InputConvention.TORCH))).isEqualTo(expected);

    Tensor caffeIn = Npy.read(preprocess("deprocess_input_caffe.npy"));
    int[] caffeExpected = hwcPixels("deprocess_caffe_expected.npy");
    assertThat(Preprocessing.rgbPixels(Preprocessing.toImage(caffeIn, InputConvention.CAFFE))).isEqualTo(caffeExpected);
    // The inputs really leave the displayable range, so clipping was exercised.
    assertThat(IntStream.of(caffeExpected).filter(p -> (p >> 16) == 0 || (p >> 16) == 255).count()).isPositive();
  }

  @ParameterizedTest
  @EnumSource(InputConvention.class)
  void everyByteValueRoundTripsInEveryChannel(InputConvention c) {
    BufferedImage img = new BufferedImage(256, 3, BufferedImage.TYPE_INT_RGB);
    for (int v = 0; v < 256; v++) {
      img.setRGB(v, 0, v << 16);
      img.setRGB(v, 1, (v << 8) | (255 - v));
      img.setRGB(v, 2, (v << 16) | ((v * 7) & 0xff) << 8 | (v ^ 0x55));
    }
    BufferedImage back = Preprocessing.toImage(Preprocessing.toTensor(img, c), c);
    assertThat(Preprocessing.rgbPixels(back)).isEqualTo(Preprocessing.rgbPixels(img));
  }

  @Test
  void nanAndInfinitiesAreClipped() {
    float[] v = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    BufferedImage img = Preprocessing.toImage(v, 1, 1, InputConvention.UNIT);
    assertThat(img.getRGB(0, 0) & 0xffffff).isEqualTo(0x00ff00);
  }

  @Test
  void rejectsTensorsThatAreNotImages() {
    assertThatThrownBy(() -> Preprocessing.toImage(Tensor.zeros(1, 4, 2, 2), InputConvention.TORCH))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(1, 3, H, W)").hasMessageContaining("[1, 4, 2, 2]");
    assertThatThrownBy(() -> Preprocessing.toImage(new float[11], 2, 2, InputConvention.TORCH))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("11 values");
  }

  @Test
  void toTensorAcceptsNonRgbImages() {
    BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    gray.getRaster().setSample(0, 0, 0, 51);
    gray.getRaster().setSample(1, 0, 0, 255);
    Tensor t = Preprocessing.toTensor(gray, InputConvention.UNIT);
    assertThat(t.toArray()).containsExactly(0.2f, 1f, 0.2f, 1f, 0.2f, 1f);
  }
}
