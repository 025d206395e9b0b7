package dev.nst.core.model;

import dev.nst.api.InputConvention;
import dev.nst.api.LayerWeight;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything nst needs to know about a published model to download, verify and use it: its
 * files with checksums, its format, the input convention its weights were trained with, and the
 * layers that work well for style transfer with it (used when the caller picks none).
 *
 * @param name registry name, also the model's folder in the cache and in mirrors
 * @param format how the files are read
 * @param convention the input space of the weights
 * @param files every published file; for {@link ModelFormat#TFJS} one of them is {@code model.json}
 * @param contentLayers default content layers (nst's VGG-style layer names)
 * @param styleLayers default style layers
 * @param description one line for {@code nst models list}
 * @param licence the licence of the weights and where they come from
 */
public record ModelSpec(String name, ModelFormat format, InputConvention convention, List<ModelFile> files,
    List<LayerWeight> contentLayers, List<LayerWeight> styleLayers, String description, String licence) {
  private static final Pattern SAFE_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  /** Checks the name and copies the lists. */
  public ModelSpec {
    Objects.requireNonNull(name, "name");
    if (!SAFE_NAME.matcher(name).matches() || name.contains("..")) {
      throw new IllegalArgumentException("model name '" + name
          + "' must be lower-case letters, digits, '.', '_' and '-' (it names a folder in the cache)");
    }
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(convention, "convention");
    files = List.copyOf(files);
    contentLayers = List.copyOf(contentLayers);
    styleLayers = List.copyOf(styleLayers);
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(licence, "licence");
    if (files.isEmpty()) {
      throw new IllegalArgumentException("model " + name + " has no files");
    }
    Set<String> seen = new HashSet<>();
    for (ModelFile f : files) {
      if (!seen.add(f.name())) {
        throw new IllegalArgumentException("model " + name + " lists file " + f.name() + " twice");
      }
    }
    if (format == ModelFormat.TFJS && !seen.contains("model.json")) {
      throw new IllegalArgumentException("TF.js model " + name + " must include model.json");
    }
    if (format != ModelFormat.TFJS && files.size() != 1) {
      throw new IllegalArgumentException(format + " model " + name + " must be exactly one file");
    }
    if (contentLayers.isEmpty() || styleLayers.isEmpty()) {
      throw new IllegalArgumentException("model " + name + " needs default content and style layers");
    }
  }

  /** The file the loader opens: {@code model.json} for TF.js, otherwise the only file. */
  public ModelFile entryFile() {
    if (format == ModelFormat.TFJS) {
      return files.stream().filter(f -> f.name().equals("model.json")).findFirst().orElseThrow();
    }
    return files.get(0);
  }

  /** Bytes of all files together. */
  public long totalSize() {
    return files.stream().mapToLong(ModelFile::size).sum();
  }
}
