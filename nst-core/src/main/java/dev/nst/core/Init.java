package dev.nst.core;

import java.awt.image.BufferedImage;
import java.util.Objects;

/** Where the optimisation starts. */
public sealed interface Init permits Init.Content, Init.Noise, Init.Image {

  /** Start from the content image (the default: fast, keeps structure). */
  static Init content() {
    return new Content();
  }

  /** Start from uniform random pixels (seeded by the builder's seed), as in Gatys et al. */
  static Init noise() {
    return new Noise();
  }

  /** Start from a given image, resized to the output size. */
  static Init image(BufferedImage image) {
    return new Image(Objects.requireNonNull(image, "image"));
  }

  /** Start from the content image ({@link #content()}). */
  record Content() implements Init {}

  /** Start from noise ({@link #noise()}). */
  record Noise() implements Init {}

  /** Start from a given image ({@link #image(BufferedImage)}). */
  record Image(BufferedImage image) implements Init {}
}
