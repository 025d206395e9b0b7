package dev.nst.core.model.format;

import dev.nst.api.InputConvention;
import dev.nst.api.ModelLoadException;
import dev.nst.api.Network;
import dev.nst.core.io.RegularFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Loads a model file by its format: ONNX ({@code .onnx}), Keras HDF5 weights ({@code .h5},
 * {@code .hdf5}) or TF.js layers ({@code model.json}).
 */
public final class ModelFiles {
  private ModelFiles() {}

  /**
   * Loads {@code file}; a directory is taken to hold a TF.js {@code model.json}. The input
   * convention is what the weights were trained with (torchvision: TORCH, Keras VGG: CAFFE,
   * Darknet/TF.js: UNIT); {@link #conventionFor(Path)} guesses it from the format.
   */
  public static Network load(Path file, InputConvention convention) {
    Path f = Files.isDirectory(file) ? file.resolve("model.json") : file;
    String problem = RegularFiles.problem(f);
    if (problem != null) {
      throw new ModelLoadException("model file " + f + " " + problem);
    }
    String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".onnx")) {
      return OnnxModelLoader.load(f, convention);
    }
    if (name.endsWith(".json")) {
      return TfjsModelLoader.load(f, convention);
    }
    if (name.endsWith(".h5") || name.endsWith(".hdf5")) {
      return KerasH5Loader.load(f, convention);
    }
    throw new ModelLoadException("cannot tell the format of " + f
        + ": nst reads .onnx files, Keras .h5 weight files and TF.js model.json");
  }

  /**
   * The input convention a model file of this format most likely expects, for callers that
   * were not told: ONNX files are usually torchvision exports (TORCH), Keras' VGG weights were
   * converted from Caffe (CAFFE), TF.js models take RGB in 0..1 (UNIT).
   */
  public static InputConvention conventionFor(Path file) {
    String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".onnx")) {
      return InputConvention.TORCH;
    }
    if (name.endsWith(".h5") || name.endsWith(".hdf5")) {
      return InputConvention.CAFFE;
    }
    return InputConvention.UNIT;
  }
}
