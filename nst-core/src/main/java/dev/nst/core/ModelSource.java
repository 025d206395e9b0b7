package dev.nst.core;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.nst.api.InputConvention;
import dev.nst.api.LayerWeight;
import dev.nst.api.Network;
import dev.nst.core.model.ModelSpec;
import dev.nst.core.model.cache.ModelStore;
import dev.nst.core.model.format.ModelFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the feature network comes from: exactly one of a network already loaded, a model file,
 * or a registered model. Loading happens when a run starts, so a configured transfer stays cheap.
 */
sealed interface ModelSource {

  /** The full network (not yet truncated to the layers a run needs). */
  Network load();

  /** The content layers a run uses when none are set: the VGG defaults unless the model brings its own. */
  default List<LayerWeight> defaultContentLayers() {
    return StyleTransfer.DEFAULT_CONTENT_LAYERS;
  }

  /** The style layers a run uses when none are set: the VGG defaults unless the model brings its own. */
  default List<LayerWeight> defaultStyleLayers() {
    return StyleTransfer.DEFAULT_STYLE_LAYERS;
  }

  /** The same source fetching through {@code store}, where it fetches at all. */
  default ModelSource fetchingThrough(ModelStore store) {
    return this;
  }

  /** The store a registered model is fetched through, when one was set. */
  default Optional<ModelStore> store() {
    return Optional.empty();
  }

  /** A network the caller loaded. */
  record Loaded(Network network) implements ModelSource {
    public Loaded {
      checkNotNull(network, "network");
    }

    @Override
    public Network load() {
      return network;
    }
  }

  /** A model file (ONNX, Keras .h5, TF.js model.json) with the input convention of its weights. */
  record File(Path path, InputConvention convention) implements ModelSource {
    public File {
      checkNotNull(path, "model file");
      checkNotNull(convention, "convention");
    }

    @Override
    public Network load() {
      return ModelFiles.load(path, convention);
    }
  }

  /**
   * A registered model, fetched into the model cache when needed; it brings the layers known to
   * work with it.
   *
   * @param spec the model
   * @param modelStore where it is cached and fetched from; null for {@link ModelStore#fromEnvironment()}
   */
  record Registered(ModelSpec spec, ModelStore modelStore) implements ModelSource {
    public Registered {
      checkNotNull(spec, "model spec");
    }

    @Override
    public Network load() {
      return (modelStore != null ? modelStore : ModelStore.fromEnvironment()).load(spec);
    }

    @Override
    public List<LayerWeight> defaultContentLayers() {
      return spec.contentLayers();
    }

    @Override
    public List<LayerWeight> defaultStyleLayers() {
      return spec.styleLayers();
    }

    @Override
    public ModelSource fetchingThrough(ModelStore store) {
      return new Registered(spec, store);
    }

    @Override
    public Optional<ModelStore> store() {
      return Optional.ofNullable(modelStore);
    }
  }
}
