package dev.nst.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** A memory size such as {@code 8g}, {@code 1500m}, {@code 20GiB} or plain bytes, as a number of bytes. */
final class MemorySize implements CommandLine.ITypeConverter<Long> {
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?");

  @Override
  public Long convert(String value) {
    Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a memory size; write e.g. 8g, 1500m, "
          + "20GiB or 0 for no budget");
    }
    int shift = switch (m.group(2)) {
      case "k" -> 10;
      case "m" -> 20;
      case "g" -> 30;
      case "t" -> 40;
      default -> 0;
    };
    double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
    if (bytes >= Long.MAX_VALUE) {
      throw new CommandLine.TypeConversionException("'" + value + "' is more memory than any machine has");
    }
    return (long) bytes;
  }
}
