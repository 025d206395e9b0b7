package dev.nst.core.model;

import dev.nst.api.InputConvention;
import dev.nst.api.LayerWeight;
import dev.nst.api.ModelLoadException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The models nst knows by name, with where to get them and how to check them. Immutable:
 * {@link #with(ModelSpec)} returns a new registry, so an application can add its own models
 * without affecting anyone else's.
 *
 * <p>Built in ({@link #builtIn()}):
 * <ul>
 *   <li>{@code vgg19} (the default): Keras' ImageNet VGG-19 without the classifier, 80 MB, the
 *       network of Gatys et al.;</li>
 *   <li>{@code vgg16}: the same for VGG-16, 59 MB;</li>
 *   <li>{@code darknet-tiny}: Darknet Tiny from ml5.js in TF.js format, 4 MB, much faster and
 *       still gives painted results.</li>
 * </ul>
 */
public final class ModelRegistry {
  /** The model used when none is named: the classic network of neural style transfer. */
  public static final String DEFAULT_MODEL = "vgg19";

  private static final List<LayerWeight> VGG_CONTENT = List.of(new LayerWeight("relu4_2", 1.0));
  private static final List<LayerWeight> VGG_STYLE = List.of(new LayerWeight("relu1_1", 0.2),
      new LayerWeight("relu2_1", 0.2), new LayerWeight("relu3_1", 0.2), new LayerWeight("relu4_1", 0.2),
      new LayerWeight("relu5_1", 0.2));
  private static final String KERAS_LICENCE = "Keras Applications (MIT) from the VGG weights of K. Simonyan and "
      + "A. Zisserman, released under CC BY 4.0 (https://www.robots.ox.ac.uk/~vgg/research/very_deep/)";
  private static final String DARKNET_BASE = "https://raw.githubusercontent.com/ml5js/ml5-data-and-models/"
      + "0612a3e7c51cbffdc5db701dff49d16d1ac26fa8/models/darknetclassifier/darknettiny/";

  private static final ModelRegistry BUILT_IN = new ModelRegistry(List.of(vgg19(), vgg16(), darknetTiny()));

  private final Map<String, ModelSpec> models;

  private ModelRegistry(Collection<ModelSpec> specs) {
    Map<String, ModelSpec> m = new LinkedHashMap<>();
    for (ModelSpec s : specs) {
      m.put(s.name(), s);
    }
    models = java.util.Collections.unmodifiableMap(m);
  }

  /** The models that ship with nst. */
  public static ModelRegistry builtIn() {
    return BUILT_IN;
  }

  /** A registry of exactly these models (later ones replace earlier ones of the same name). */
  public static ModelRegistry of(Collection<ModelSpec> specs) {
    return new ModelRegistry(List.copyOf(specs));
  }

  /** This registry plus {@code spec}, which replaces a model of the same name. */
  public ModelRegistry with(ModelSpec spec) {
    List<ModelSpec> all = new ArrayList<>(models.values());
    all.removeIf(s -> s.name().equals(spec.name()));
    all.add(Objects.requireNonNull(spec, "spec"));
    return new ModelRegistry(all);
  }

  /** The model of this name, if registered. */
  public Optional<ModelSpec> find(String name) {
    return Optional.ofNullable(models.get(name));
  }

  /**
   * The model of this name.
   *
   * @throws ModelLoadException naming the registered models when there is none of that name
   */
  public ModelSpec get(String name) {
    ModelSpec s = models.get(name);
    if (s == null) {
      throw new ModelLoadException("no model named '" + name + "' is registered; known models: "
          + String.join(", ", models.keySet()) + " (or give the path of a model file: .onnx, .h5, model.json)");
    }
    return s;
  }

  /** Every registered model, in registration order. */
  public List<ModelSpec> all() {
    return List.copyOf(models.values());
  }

  /** Registered names, in registration order. */
  public List<String> names() {
    return List.copyOf(models.keySet());
  }

  static ModelSpec vgg19() {
    String file = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5";
    return new ModelSpec("vgg19", ModelFormat.KERAS_H5, InputConvention.CAFFE,
        List.of(ModelFile.md5(file, 80_134_624L, "253f8cb515780f3b799900260a226db6",
            "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/" + file,
            "https://github.com/fchollet/deep-learning-models/releases/download/v0.1/" + file)),
        VGG_CONTENT, VGG_STYLE,
        "VGG-19 trained on ImageNet, convolutional part (Keras weights, Caffe input convention); the classic choice",
        KERAS_LICENCE);
  }

  static ModelSpec vgg16() {
    String file = "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5";
    return new ModelSpec("vgg16", ModelFormat.KERAS_H5, InputConvention.CAFFE,
        List.of(ModelFile.md5(file, 58_889_256L, "6d6bbae143d832006294945121d1f1fc",
            "https://storage.googleapis.com/tensorflow/keras-applications/vgg16/" + file,
            "https://github.com/fchollet/deep-learning-models/releases/download/v0.1/" + file)),
        VGG_CONTENT, VGG_STYLE,
        "VGG-16 trained on ImageNet, convolutional part (Keras weights, Caffe input convention)",
        KERAS_LICENCE);
  }

  static ModelSpec darknetTiny() {
    List<ModelFile> files = List.of(
        shard("model.json", 33236, "5a5ee1ddb33ac7948b303197f4c63f72a80fc00a7d2870d30843004ddd5b4b51"),
        shard("group1-shard1of1", 256, "1a95595a3f6c497f27747d40276649a10988d0808a121ddfb3f6b368133f44c5"),
        shard("group2-shard1of1", 4096, "8226135041fbafc7c3a838d0673badb8d3e4211a4d550781951d15a09445ea47"),
        shard("group3-shard1of1", 1024, "3a465f4bbcbcd7721caa77b704829cfe20eadab670a8d91a352e76e4cfca1a02"),
        shard("group4-shard1of1", 8192, "3e661974c4740795f3ca9b882ae80dc3521951dac2b262ac054329f17aaefb10"),
        shard("group5-shard1of1", 1024, "5f1fa7779fe01d2b06ea3804f84e5cf6a25688dc458617a9f35a1018356abcbf"),
        shard("group6-shard1of1", 8192, "e054b14e9e866da448ab351f04d3920ae216032b3df680396163a77b8925a009"),
        shard("group7-shard1of1", 2048, "2aed907302664d64b85669a293c8f5a492521b4d025b9b3a19943f951a7e32df"),
        shard("group8-shard1of1", 512, "99e0418ac61cd6093df0bb4a5a67750ec0b0fbb8edb2125c0cfda67e3cb3f1a4"),
        shard("group9-shard1of1", 256, "4fb47f3aa4f19f7fabd7d4271cf81e8af7735fcfc89bf4b9174f379bb60b129d"),
        shard("group10-shard1of1", 2048, "2afc82f4d423cb8272e4089b69c5dba2755eea8499935b4f0020e27b5d559557"),
        shard("group11-shard1of1", 256, "8957dc1caa88193522d8071f6ac3171634818bb50223b1e98ace21f010b414cc"),
        shard("group12-shard1of1", 2048, "bced27a16699c0eca4ee4d15c4e5fac46532a6f2850b53445818c0e2e69af7b1"),
        shard("group13-shard1of1", 512, "5e6172c6d71505fce1a9388e733aaddf21f6ab14f9ccaf10d2986a94b8f19b42"),
        shard("group14-shard1of1", 4096, "adfb4ad19dea5c1ba0c9b7e7d90f6265aac136a7d98e0f0eed4362d62e5e51f8"),
        shard("group15-shard1of1", 512, "79131184270263a2c585240efbfdd3ed13fc005c67b761ced984c70265209511"),
        shard("group16-shard1of1", 1728, "d70b0b9f3db3d51bd5613246885f4723998aef2e56845c7dec75743221f1ef5e"),
        shard("group17-shard1of1", 294912, "3dad37a465ab881c2d2006072cd60d83144d04a5c5448f49e15308472bbb145a"),
        shard("group18-shard1of1", 65536, "c7a7f19a7a9e3a780bd1aedfe30a7e594821ea8d57d6e72d148c033b0f24f5fa"),
        shard("group19-shard1of1", 1179648, "4f16fe423091d9b32d59bff14cd19f1a6a233bc98adade4a1e0ef0d2972752b5"),
        shard("group20-shard1of1", 131072, "1efd0b489da0d04808a02175c2803528313f7e9abadb18a5dc3ae0b5bd5c0331"),
        shard("group21-shard1of1", 1179648, "9d024d14a803a3b078df0e9829bcc13a8901c3a6043456632ce5697be5734155"),
        shard("group22-shard1of1", 262144, "0c18a3238859e649bac990e90dc4738861ffd07e9bee725139bec9ef3b8545ef"),
        shard("group23-shard1of1", 516000, "2116862cb9cd43b21a3bfa3ea41e43dbe33284a97a8a22c5afe8d768f5a767af"),
        shard("group24-shard1of1", 18432, "35c4204cee6796300f50addf2a2202a137eaa8a42999a79168f9226f60c8a62b"),
        shard("group25-shard1of1", 2048, "9a37816bda07b3be24b88103a11dcc5d3eea15749a15594492b03ba3177a6a5e"),
        shard("group26-shard1of1", 73728, "697677a6c94bd84fb0b558421629b5424101c4ea16601be53096275f43891f6c"),
        shard("group27-shard1of1", 8192, "ef48b33bcf06fed0a9cc8b41017bccbf4f32fceeae946c00e0fd130fc467f9e4"),
        shard("group28-shard1of1", 73728, "2831d9d4368b4cad678f9a3df4c9575bc35e1c2a7ef6ebed887c02c06a4f6dab"),
        shard("group29-shard1of1", 16384, "720e58d7e54901e8db21d698fc094ffcb65a5991397895fef827ce53094b2a15"),
        shard("group30-shard1of1", 294912, "a68c7913477828b28c2fe1924b191139877f7825e5f1a2e1c1b0e0e92accc669"),
        shard("group31-shard1of1", 32768, "7985bd42bc5c0333e563998ad6d4616b0afaf1765f2b8c4c6df3944cf8f13992"));
    // The LeakyReLU outputs of the first 3x3 convolutions of the blocks, with 16, 32, 128 and 256
    // channels. relu5_2 (512 channels) is left out: the quality preset weighs it 1/341, and its
    // W2 matrix square roots cost more than the whole network at 512 px (docs/benchmarks.md).
    List<LayerWeight> style = List.of(new LayerWeight("relu1_1", 0.25), new LayerWeight("relu2_1", 0.25),
        new LayerWeight("relu3_2", 0.25), new LayerWeight("relu4_2", 0.25));
    return new ModelSpec("darknet-tiny", ModelFormat.TFJS, InputConvention.UNIT, files,
        List.of(new LayerWeight("relu4_4", 1.0)), style,
        "Darknet Tiny trained on ImageNet (TF.js from ml5.js, RGB 0..1); 4 MB, fast, painted results",
        "Darknet (public domain), converted and published by ml5.js (MIT): "
            + "github.com/ml5js/ml5-data-and-models, commit 0612a3e7c51cbffdc5db701dff49d16d1ac26fa8");
  }

  private static ModelFile shard(String name, long size, String sha256) {
    return ModelFile.sha256(name, size, sha256, DARKNET_BASE + name);
  }
}
