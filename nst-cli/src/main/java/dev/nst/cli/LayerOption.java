package dev.nst.cli;

import dev.nst.api.LayerWeight;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * One entry of {@code --content-layers} or {@code --style-layers}: a layer name with an optional
 * weight, {@code relu4_2} or {@code relu1_1:0.2}. The weight stays optional until the list is
 * complete, because the default weight of a style layer depends on how many were given.
 *
 * @param layer the layer name, never blank
 * @param weight the weight written after the colon, finite and &gt;= 0, if any
 */
record LayerOption(String layer, OptionalDouble weight) {
  private static final String FORMAT = "write LAYER or LAYER:WEIGHT with a number >= 0 as the weight, e.g. relu1_1:0.2";

  LayerOption {
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(weight, "weight");
  }

  /** The layers with their weights, {@code defaultWeight} where none was written. */
  static List<LayerWeight> weights(List<LayerOption> options, double defaultWeight) {
    return options.stream().map(o -> new LayerWeight(o.layer(), o.weight().orElse(defaultWeight))).toList();
  }

  /** Parses one entry; picocli names the option in front of the message. */
  static final class Converter implements ITypeConverter<LayerOption> {
    @Override
    public LayerOption convert(String value) {
      int colon = value.indexOf(':');
      String layer = (colon < 0 ? value : value.substring(0, colon)).trim();
      if (layer.isEmpty()) {
        throw new TypeConversionException("'" + value + "' names no layer; " + FORMAT);
      }
      if (colon < 0) {
        return new LayerOption(layer, OptionalDouble.empty());
      }
      String number = value.substring(colon + 1).trim();
      double weight;
      try {
        weight = Double.parseDouble(number);
      } catch (NumberFormatException e) {
        throw new TypeConversionException("the weight '" + number + "' of layer " + layer
            + " is not a number; " + FORMAT);
      }
      if (!Double.isFinite(weight) || weight < 0) {
        throw new TypeConversionException(
            "the weight " + number + " of layer " + layer + " is not a finite number >= 0; " + FORMAT);
      }
      return new LayerOption(layer, OptionalDouble.of(weight));
    }
  }
}
