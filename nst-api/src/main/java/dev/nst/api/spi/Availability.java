package dev.nst.api.spi;

import java.util.Set;

/**
 * What a provider's probe found: whether it can run here, on which devices, and a sentence for
 * users (the native library version, or why it cannot load).
 *
 * @param available whether the backend can run here
 * @param devices the devices it can use; empty when unavailable
 * @param detail the native library version, or why it cannot load
 */
public record Availability(boolean available, Set<Device> devices, String detail) {
  /**
   * Copies the devices.
   *
   * @param available whether the backend can run here
   * @param devices the devices it can use; empty when unavailable
   * @param detail the native library version, or why it cannot load
   */
  public Availability {
    devices = Set.copyOf(devices);
  }

  /**
   * The backend can run here.
   *
   * @param devices the devices it can use
   * @param detail the native library and its version, for users
   * @return an available result
   */
  public static Availability available(Set<Device> devices, String detail) {
    return new Availability(true, devices, detail);
  }

  /**
   * The backend cannot run here.
   *
   * @param reason why, and how to fix it
   * @return an unavailable result with no devices
   */
  public static Availability unavailable(String reason) {
    return new Availability(false, Set.of(), reason);
  }
}
