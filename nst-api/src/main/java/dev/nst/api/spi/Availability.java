package dev.nst.api.spi;

import java.util.Set;

/**
 * What a provider's probe found: whether it can run here, on which devices, and a sentence for
 * users (the native library version, or why it cannot load).
 */
public record Availability(boolean available, Set<Device> devices, String detail) {
  public Availability {
    devices = Set.copyOf(devices);
  }

  public static Availability available(Set<Device> devices, String detail) {
    return new Availability(true, devices, detail);
  }

  public static Availability unavailable(String reason) {
    return new Availability(false, Set.of(), reason);
  }
}
