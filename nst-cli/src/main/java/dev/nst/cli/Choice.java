package dev.nst.cli;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableMap;
import java.util.Iterator;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An option with a closed set of values, spelt as the user types them ({@code keep-content},
 * {@code avg}) rather than as Java constants. A subclass is both the option's converter and its
 * {@code completionCandidates}, so that {@code --help} lists the values and a wrong one fails
 * with picocli's usage error:
 * {@code Invalid value for option '--device': expected one of [auto, cpu, gpu] (case-insensitive) but was 'x'}.
 *
 * @param <T> the value an option name stands for
 */
abstract class Choice<T> implements ITypeConverter<T>, Iterable<String> {
  private final ImmutableMap<String, T> values;
  private final ImmutableMap<String, T> aliases;

  /**
   * @param values the names shown in {@code --help}, in order, each with its value
   * @param aliases further accepted names that {@code --help} does not show
   */
  Choice(ImmutableMap<String, T> values, ImmutableMap<String, T> aliases) {
    this.values = values;
    this.aliases = aliases;
    values.keySet().forEach(Choice::requireLowerCase);
    aliases.keySet().forEach(Choice::requireLowerCase);
  }

  /** @param values the names shown in {@code --help}, in order, each with its value */
  Choice(ImmutableMap<String, T> values) {
    this(values, ImmutableMap.of());
  }

  private static void requireLowerCase(String name) {
    checkArgument(name.equals(name.toLowerCase(Locale.ROOT)), "choice names are lower case, got %s", name);
  }

  @Override
  public T convert(String value) {
    String key = value.trim().toLowerCase(Locale.ROOT);
    T found = values.containsKey(key) ? values.get(key) : aliases.get(key);
    if (found == null) {
      throw new TypeConversionException(
          "expected one of " + values.keySet() + " (case-insensitive) but was '" + value + "'");
    }
    return found;
  }

  /** The names {@code --help} lists, in order. */
  @Override
  public Iterator<String> iterator() {
    return values.keySet().iterator();
  }
}
