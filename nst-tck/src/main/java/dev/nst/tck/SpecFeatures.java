package dev.nst.tck;

import com.google.common.collect.Sets;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.StyleLossKind;
import dev.nst.core.spi.ObjectiveFeature;
import java.util.EnumSet;
import java.util.Set;

/** The features a spec needs from a compiled objective, and the messages of a broken declaration. */
final class SpecFeatures {
  private SpecFeatures() {}

  /**
   * Every feature {@code spec} needs. Total variation is always needed: its value is part of
   * every loss breakdown, even when gamma is 0.
   */
  static Set<ObjectiveFeature> required(ObjectiveSpec spec) {
    EnumSet<ObjectiveFeature> needed = EnumSet.of(ObjectiveFeature.TOTAL_VARIATION);
    if (!spec.content().isEmpty()) {
      needed.add(ObjectiveFeature.CONTENT);
    }
    if (spec.hasStyle(StyleLossKind.GRAM)) {
      needed.add(ObjectiveFeature.GRAM_STYLE);
    }
    if (spec.hasStyle(StyleLossKind.W2)) {
      needed.add(ObjectiveFeature.W2_STYLE);
    }
    if (spec.hasStyle(StyleLossKind.HISTOGRAM)) {
      needed.add(ObjectiveFeature.HISTOGRAM_STYLE);
    }
    if (spec.hasMasks()) {
      needed.add(ObjectiveFeature.STYLE_MASKS);
    }
    if (spec.normalizeGradients()) {
      needed.add(ObjectiveFeature.NORMALIZED_GRADIENTS);
    }
    return Sets.immutableEnumSet(needed);
  }

  static String declaredButEmpty(String backend, Set<ObjectiveFeature> needed) {
    return backend + " declares " + needed + ", every feature this spec needs, but compile returned "
        + "empty, so a run would fall back to level 1 silently; compile the spec, or remove the features the "
        + "backend lacks from its conformance test's features()";
  }

  static String compiledUndeclared(String backend, Set<ObjectiveFeature> undeclared) {
    return backend + " compiled a spec that needs " + undeclared + ", which its conformance test "
        + "does not declare; add them to features() so that the suite checks them against level 1, or make "
        + "compile return empty for such specs";
  }
}
