package dev.nst.core;

import dev.nst.api.BadImageException;
import dev.nst.api.Network;
import dev.nst.core.image.Images;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Checks, before any work, that every image a run feeds the network keeps at least one pixel at
 * every layer: the content image at each scale, and each style image at its style side. A very
 * long, thin image resized to the output size (4000 x 2 at 64 px is 64 x 1), or a style image
 * made tiny by the style scale, would otherwise fail inside a backend. The message names the
 * image, its size after resizing and the smallest size the network takes
 * ({@link Network#minimumInputSize()}).
 */
final class InputSizes {
  private InputSizes() {}

  /**
   * Throws when an image is too small for {@code network} at any scale of {@code settings}.
   *
   * @param network the network the run uses
   * @param settings the run's settings (scales, style scale, image names)
   * @param content the content image as loaded
   * @param styles the style images as loaded, in the settings' order
   * @throws BadImageException naming the image, its size after resizing and the minimum
   */
  static void check(Network network, Settings settings, BufferedImage content, List<TransferRun.LoadedStyle> styles) {
    int[] min = network.minimumInputSize();
    for (int side : settings.schedule().scales().longSides()) {
      int[] wh = Images.fitLongSide(content.getWidth(), content.getHeight(), side);
      if (wh[0] < min[1] || wh[1] < min[0]) {
        throw new BadImageException(String.format(Locale.ROOT, "the content image %s (%dx%d) is %dx%d when resized "
            + "to a long side of %d px, smaller than the %dx%d network %s needs (sizes are width x height; every "
            + "layer must keep at least one pixel); use a larger size, or crop the image closer to square",
            settings.content().describe(), content.getWidth(), content.getHeight(), wh[0], wh[1], side, min[1],
            min[0], network.name()));
      }
      int styleSide = settings.schedule().styleSide(side);
      for (int i = 0; i < styles.size(); i++) {
        BufferedImage style = styles.get(i).image();
        int[] s = Images.fitLongSide(style.getWidth(), style.getHeight(), styleSide);
        if (s[0] < min[1] || s[1] < min[0]) {
          throw new BadImageException(String.format(Locale.ROOT, "the style image %s (%dx%d) is %dx%d when resized "
              + "to a long side of %d px (style scale %s of %d px), smaller than the %dx%d network %s needs (sizes "
              + "are width x height; every layer must keep at least one pixel); use a larger style scale or size, "
              + "or crop the image closer to square", settings.styles().get(i).image().describe(), style.getWidth(),
              style.getHeight(), s[0], s[1], styleSide, settings.schedule().styleScale(), side, min[1], min[0],
              network.name()));
        }
      }
    }
  }
}
