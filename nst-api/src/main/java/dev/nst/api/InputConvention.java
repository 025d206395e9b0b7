package dev.nst.api;

/**
 * How a network expects its input: channel order, scale and normalisation. The optimiser works
 * in this space; images are converted in and out by nst-core.
 */
public enum InputConvention {
  /** RGB, pixel/255, minus the ImageNet mean, divided by the ImageNet std (torchvision). */
  TORCH(false, 1.0 / 255.0, new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225}),
  /** BGR, 0..255 minus the ImageNet mean in BGR order (Caffe, Keras VGG). */
  CAFFE(true, 1.0, new double[] {103.939, 116.779, 123.68}, new double[] {1, 1, 1}),
  /** RGB, pixel/255 (TF.js and Darknet style models). */
  UNIT(false, 1.0 / 255.0, new double[] {0, 0, 0}, new double[] {1, 1, 1});

  private final boolean bgr;
  private final double scale;
  private final double[] mean;
  private final double[] std;

  InputConvention(boolean bgr, double scale, double[] mean, double[] std) {
    this.bgr = bgr;
    this.scale = scale;
    this.mean = mean;
    this.std = std;
  }

  /**
   * Whether the network's channel 0 is blue.
   *
   * @return true for BGR networks
   */
  public boolean bgr() {
    return bgr;
  }

  /**
   * Factor from 0..255 pixel values to the scale the mean applies to.
   *
   * @return the factor
   */
  public double scale() {
    return scale;
  }

  /**
   * Mean of network channel {@code c} (in the network's channel order).
   *
   * @param c the channel, 0 to 2
   * @return the mean subtracted from it
   */
  public double mean(int c) {
    return mean[c];
  }

  /**
   * Standard deviation of network channel {@code c} (in the network's channel order).
   *
   * @param c the channel, 0 to 2
   * @return the value it is divided by
   */
  public double std(int c) {
    return std[c];
  }
}
