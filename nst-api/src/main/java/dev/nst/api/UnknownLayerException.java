package dev.nst.api;

import java.util.List;

/** A layer name is not in the network. */
public class UnknownLayerException extends NstException {
  private static final long serialVersionUID = 1L;

  public UnknownLayerException(String layer, String network, List<String> available) {
    super("layer '" + layer + "' is not in network '" + network + "'; its layers are " + available);
  }
}
