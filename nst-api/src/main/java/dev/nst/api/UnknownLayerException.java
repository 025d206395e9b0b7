package dev.nst.api;

import java.util.List;

/** A layer name is not in the network. */
public class UnknownLayerException extends NstException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param layer the name asked for
   * @param network the network's name
   * @param available the names the network has, in order
   */
  public UnknownLayerException(String layer, String network, List<String> available) {
    super("layer '" + layer + "' is not in network '" + network + "'; its layers are " + available);
  }
}
