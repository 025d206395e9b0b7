package dev.nst.core;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.nst.core.image.Images;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/** A content, style or mask image, given as a file (read when a run starts) or in memory. */
sealed interface ImageSource {

  /** The image: read from its file on every call, or the one held. */
  BufferedImage load();

  /** How messages name the image: its file, or "an image given in memory". */
  String describe();

  /** An image file, read by {@link Images#read(Path)}. */
  record FromFile(Path file) implements ImageSource {
    public FromFile {
      checkNotNull(file, "file");
    }

    @Override
    public BufferedImage load() {
      return Images.read(file);
    }

    @Override
    public String describe() {
      return file.toString();
    }
  }

  /** An image the caller already holds. */
  record InMemory(BufferedImage image) implements ImageSource {
    public InMemory {
      checkNotNull(image, "image");
    }

    @Override
    public BufferedImage load() {
      return image;
    }

    @Override
    public String describe() {
      return "an image given in memory";
    }
  }
}
