package dev.nst.core.spi;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.Sets;
import dev.nst.api.LossBreakdown;
import dev.nst.api.LossNormalization;
import dev.nst.api.Network;
import dev.nst.api.ObjectiveSpec;
import dev.nst.api.Tensor;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a backend compiles for an {@link ObjectiveSpec}, worked out once and checked once: the
 * network cut after the deepest layer a term reads and with the spec's pooling, the image
 * shape, and one {@link Term} per content and style target with its layer, activation shape,
 * constant factors and target ready to feed. A backend's graph builder only turns terms into
 * nodes; the formulas' constants, the style target's rescaling and every shape check live here,
 * so that all backends agree with each other and with the host objective.
 *
 * <p>Per term (kc, k: the spec's {@link LossNormalization}; w: the term's weight):
 *
 * <pre>
 * content: lossFactor kc, gradientFactor 2 kc alpha w   (2 kc with normalised gradients), strength alpha w
 * style:   lossFactor k,  gradientFactor 4 k beta w     (4 k with normalised gradients),  strength beta w
 *          (W2 and histogram terms: lossFactor 1 / C, gradientFactor beta w; see {@link StyleTerm})
 * tv:      J = sum(dv^2) + sum(dh^2), always reported;  gradient factor 2 gamma, built when gamma != 0
 * </pre>
 *
 * Immutable; {@link #of} throws for a spec the network cannot serve, so a backend that got a
 * plan only has to decide whether it {@linkplain #requires() supports} it.
 */
public final class ObjectivePlan {
  private final ObjectiveSpec spec;
  private final Network network;
  private final ImmutableList<ContentTerm> content;
  private final ImmutableList<StyleTerm> style;
  private final Set<ObjectiveFeature> requires;

  private ObjectivePlan(ObjectiveSpec spec, Network network, ImmutableList<ContentTerm> content,
      ImmutableList<StyleTerm> style) {
    this.spec = spec;
    this.network = network;
    this.content = content;
    this.style = style;
    Set<ObjectiveFeature> features = EnumSet.of(ObjectiveFeature.TOTAL_VARIATION);
    if (!content.isEmpty()) {
      features.add(ObjectiveFeature.CONTENT);
    }
    for (StyleTerm t : style) {
      features.add(t.statistic().feature());
      if (t.hasMask()) {
        features.add(ObjectiveFeature.STYLE_MASKS);
      }
    }
    if (spec.normalizeGradients()) {
      features.add(ObjectiveFeature.NORMALIZED_GRADIENTS);
    }
    this.requires = Sets.immutableEnumSet(features);
  }

  /**
   * Plans {@code spec} on {@code network}.
   *
   * @param network the loaded network (any pooling; the spec's is applied)
   * @param spec the objective
   * @return the plan
   * @throws NullPointerException when an argument, the spec's pooling or a target is null
   * @throws dev.nst.api.UnknownLayerException when a term names a layer the network lacks
   * @throws IllegalArgumentException when the image is too small for the network, or a target
   *     or mask does not have the shape the layer gives at the spec's image size
   */
  public static ObjectivePlan of(Network network, ObjectiveSpec spec) {
    checkNotNull(network, "network");
    checkNotNull(spec, "spec");
    checkNotNull(spec.pooling(), "the spec's pooling");
    List<String> layers = spec.layers();
    // A TV-only objective reads no layer; the first one stands in so that the plan has a network.
    Network planned = network.truncatedAfter(layers.isEmpty() ? List.of(network.layers().get(0).name()) : layers)
        .withPooling(spec.pooling());
    List<int[]> shapes = planned.shapes(spec.height(), spec.width()); // throws when the image is too small
    LossNormalization n = spec.normalization();
    boolean normalized = spec.normalizeGradients();

    ImmutableList.Builder<ContentTerm> content = ImmutableList.builder();
    for (int i = 0; i < spec.content().size(); i++) {
      ObjectiveSpec.ContentTarget t = spec.content().get(i);
      LayerSite site = site(planned, shapes, t.layer());
      requireShape(spec, t.activation(), site.activationShape(), "content target", t.layer(),
          "compute the content target from a content image of the generated image's size");
      double kc = n.contentFactor(site.channels(), site.height(), site.width());
      double strength = spec.alpha() * t.weight();
      content.add(new ContentTerm(i, site, kc, 2 * kc * (normalized ? 1 : strength), strength, t.activation()));
    }

    ImmutableList.Builder<StyleTerm> style = ImmutableList.builder();
    for (int i = 0; i < spec.style().size(); i++) {
      ObjectiveSpec.StyleTarget t = spec.style().get(i);
      LayerSite site = site(planned, shapes, t.layer());
      int c = site.channels();
      StyleStatistic statistic = StyleStatistic.of(t.kind());
      Tensor target = switch (statistic) {
        case GRAM, W2 -> {
          requireShape(spec, t.meanGram(), new int[] {c, c}, "style target (mean Gram)", t.layer(),
              "compute style targets with the same network");
          if (statistic == StyleStatistic.W2) {
            requireShape(spec, t.mean(), new int[] {c}, "style target (mean)", t.layer(),
                "compute style targets with the same network");
          }
          yield statistic == StyleStatistic.GRAM ? rescaled(t.meanGram(), site.positions()) : t.meanGram();
        }
        case HISTOGRAM -> {
          requireShape(spec, t.histogram(), new int[] {c, t.histogram().dim(t.histogram().rank() - 1)},
              "style target (histogram)", t.layer(), "compute style targets with the same network");
          yield t.histogram();
        }
      };
      if (t.hasMask()) {
        requireShape(spec, t.mask(), new int[] {1, 1, site.height(), site.width()}, "mask", t.layer(),
            "resize the mask to the layer's resolution");
      }
      double strength = spec.beta() * t.weight();
      double k = statistic == StyleStatistic.GRAM ? n.styleFactor(c, site.height(), site.width()) : 1.0 / c;
      double gradientFactor = statistic == StyleStatistic.GRAM ? 4 * k * (normalized ? 1 : strength)
          : (normalized ? 1 : strength);
      style.add(new StyleTerm(i, statistic, site, k, gradientFactor, strength, target, t.mask()));
    }
    return new ObjectivePlan(spec, planned, content.build(), style.build());
  }

  private static LayerSite site(Network network, List<int[]> shapes, String layer) {
    int index = network.indexOf(layer);
    int[] chw = shapes.get(index);
    return new LayerSite(layer, index, chw[0], chw[1], chw[2]);
  }

  /** The one message format for a target or mask that does not fit the layer. */
  private static void requireShape(ObjectiveSpec spec, Tensor t, int[] expected, String what, String layer, String fix) {
    checkNotNull(t, "the %s at layer %s is null", what, layer);
    checkArgument(t.hasShape(expected), "the %s at layer %s has shape %s but a %sx%s image needs %s there; %s",
        what, layer, Arrays.toString(t.shape()), spec.height(), spec.width(), Arrays.toString(expected), fix);
  }

  /** The mean Gram times the generated activation's H W, once here rather than per evaluation. */
  private static Tensor rescaled(Tensor meanGram, long positions) {
    float hw = positions;
    float[] scaled = meanGram.toArray();
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] *= hw;
    }
    return Tensor.adopt(scaled, meanGram.shape());
  }

  /**
   * The spec this plan was made from.
   *
   * @return the spec
   */
  public ObjectiveSpec spec() {
    return spec;
  }

  /**
   * The network to compile: cut after the deepest layer a term reads (the first layer when no
   * term reads one), every pool of the spec's kind.
   *
   * @return the planned network
   */
  public Network network() {
    return network;
  }

  /**
   * The shape of the image the objective evaluates.
   *
   * @return a new array (1, C, H, W)
   */
  public int[] imageShape() {
    return new int[] {1, network.inputChannels(), spec.height(), spec.width()};
  }

  /**
   * The number of values of the image (and of the gradient).
   *
   * @return C * H * W
   */
  public int imageSize() {
    return Math.multiplyExact(network.inputChannels(), Math.multiplyExact(spec.height(), spec.width()));
  }

  /**
   * Checks the arguments of {@link dev.nst.api.Objective#evaluate}: both arrays hold
   * {@link #imageSize()} values.
   *
   * @param image the image, flattened (1, C, H, W)
   * @param gradient the array the gradient goes to
   * @throws NullPointerException when an array is null
   * @throws IllegalArgumentException when an array has another length, naming the image shape
   */
  public void requireImageAndGradient(float[] image, float[] gradient) {
    checkNotNull(image, "image");
    checkNotNull(gradient, "gradient");
    int n = imageSize();
    checkArgument(image.length == n && gradient.length == n, "image and gradient must each hold %s values (shape %s), "
        + "got %s and %s", n, Arrays.toString(imageShape()), image.length, gradient.length);
  }

  /**
   * This plan when a backend supports every feature it {@linkplain #requires() requires};
   * otherwise empty, and the backend's {@code compile} returns empty so that the run falls back
   * to the host objective.
   *
   * @param supported the features the backend compiles
   * @return this plan, or empty
   */
  public Optional<ObjectivePlan> ifSupportedBy(Set<ObjectiveFeature> supported) {
    return supported.containsAll(requires) ? Optional.of(this) : Optional.empty();
  }

  /**
   * The content terms, in the spec's order.
   *
   * @return an immutable list
   */
  public List<ContentTerm> content() {
    return content;
  }

  /**
   * The style terms, in the spec's order.
   *
   * @return an immutable list
   */
  public List<StyleTerm> style() {
    return style;
  }

  /**
   * Every term: the content terms, then the style terms. {@link #breakdown} takes the losses in
   * this order.
   *
   * @return an immutable list
   */
  public List<Term> terms() {
    return ImmutableList.<Term>builderWithExpectedSize(content.size() + style.size())
        .addAll(content).addAll(style).build();
  }

  /**
   * Whether each term's layer gradient is divided by its L1 norm (+ 1e-8) before its strength
   * is applied (jcjohnson's normalised gradients).
   *
   * @return the spec's {@code normalizeGradients}
   */
  public boolean normalizesGradients() {
    return spec.normalizeGradients();
  }

  /**
   * Whether a style term needs the statistics of the whole image before its layer gradient (W2
   * and histogram terms), so that a compiled objective runs a statistics pass before the
   * gradient pass ({@link AbstractBackend} compiles such plans as one-tile exact tiles).
   *
   * @return true when any style term's statistic {@linkplain StyleStatistic#needsStatisticsPass() needs it}
   */
  public boolean needsStatisticsPass() {
    return style.stream().anyMatch(t -> t.statistic().needsStatisticsPass());
  }

  /**
   * Whether the total variation is differentiated (gamma != 0); its value is reported anyway.
   *
   * @return true when the gradient must include the TV term
   */
  public boolean differentiatesTotalVariation() {
    return spec.gamma() != 0;
  }

  /**
   * The image axes the total variation takes differences along: 2 (rows) and 3 (columns), each
   * only when the image has at least two pixels along it (a 1-pixel edge has no pairs).
   *
   * @return an immutable list of axes of the (1, C, H, W) image
   */
  public List<Integer> totalVariationAxes() {
    ImmutableList.Builder<Integer> axes = ImmutableList.builder();
    if (spec.height() > 1) {
      axes.add(2);
    }
    if (spec.width() > 1) {
      axes.add(3);
    }
    return axes.build();
  }

  /**
   * The factor on the TV base gradient (the differences shifted back and subtracted).
   *
   * @return 2 gamma
   */
  public double totalVariationGradientFactor() {
    return 2 * spec.gamma();
  }

  /**
   * The features a compiled objective needs for this plan: total variation always (its value is
   * always reported), content when there are content terms, each style term's statistic, masks
   * when a style term has one, normalised gradients when the spec asks for them.
   *
   * @return an immutable set
   */
  public Set<ObjectiveFeature> requires() {
    return requires;
  }

  /**
   * The breakdown of one evaluation from the unweighted loss of every term.
   *
   * @param termLosses the loss of each term, in the order of {@link #terms()}
   * @param totalVariation the unweighted total variation
   * @return the weighted breakdown
   * @throws IllegalArgumentException when there is not one loss per term
   */
  public LossBreakdown breakdown(double[] termLosses, double totalVariation) {
    checkArgument(termLosses.length == content.size() + style.size(), "got %s term losses for %s terms",
        termLosses.length, content.size() + style.size());
    return spec.breakdown(Arrays.copyOfRange(termLosses, 0, content.size()),
        Arrays.copyOfRange(termLosses, content.size(), termLosses.length), totalVariation);
  }

  @Override
  public String toString() {
    return "ObjectivePlan[" + network.name() + ", " + spec.height() + "x" + spec.width() + ", " + content.size()
        + " content and " + style.size() + " style terms, requires " + requires + "]";
  }
}
