package dev.nst.cli;

import dev.nst.core.MemoryEstimate;
import picocli.CommandLine;

/** A memory size such as {@code 8g}, {@code 1500m}, {@code 20GiB} or plain bytes, as a number of bytes. */
final class MemorySize implements CommandLine.ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    try {
      return MemoryEstimate.parseSize(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage() + " (0 for no budget)");
    }
  }
}
