package dev.nst.core.batch;

import static com.google.common.base.Preconditions.checkNotNull;

import java.nio.file.Path;

/**
 * One output of a batch: a content image in one style.
 *
 * @param input the content image file
 * @param style the style's name, as it appears in the output's name
 * @param output the output file, {@code <input name>_<style>.png} in the output folder
 */
public record BatchItem(Path input, String style, Path output) {
  /** Checks that no part is null. */
  public BatchItem {
    checkNotNull(input, "input");
    checkNotNull(style, "style");
    checkNotNull(output, "output");
  }
}
