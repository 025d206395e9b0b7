package dev.nst.api;

import java.util.Collection;
import java.util.Map;

/**
 * Level 1 of the backend contract: activations at named layers, and the vector-Jacobian
 * product that pulls gradients given at those layers back to the image. This is what lets
 * user-written {@link ContentLoss} and {@link StyleLoss} implementations run on the host.
 * Holds native resources; not thread-safe.
 */
public interface FeatureExtractor extends AutoCloseable {

  /**
   * The network it runs.
   *
   * @return the network
   */
  Network network();

  /**
   * Activations (1, C, H, W) of {@code image} (1, C, H, W) at each requested layer.
   *
   * @param image the input, in the network's input convention
   * @param layers names of layers of {@link #network()}
   * @return each requested layer's activation, by name
   */
  Map<String, Tensor> forward(Tensor image, Collection<String> layers);

  /**
   * d/dimage of sum over layers of &lt;layerGradients[l], activation_l(image)&gt;: the gradient
   * with respect to the image of any loss whose gradients at the layers are given.
   *
   * @param image the input (1, C, H, W) the activations were computed for
   * @param layerGradients by layer name, the loss's gradient with respect to that layer's activation
   * @return the gradient with respect to {@code image}, shaped like it
   */
  Tensor backward(Tensor image, Map<String, Tensor> layerGradients);

  /** Releases native resources; harmless when called twice. */
  @Override
  void close();
}
