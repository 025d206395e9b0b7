package dev.nst.core.backend;

import dev.nst.api.spi.Availability;
import java.util.Objects;

/**
 * What discovery found about one backend provider, for {@code nst backends}, logs and error
 * messages: its name, its priority and what its probe reported (a probe that threw is reported
 * as unavailable, with the exception in {@link Availability#detail()}).
 */
public record BackendStatus(String name, int priority, Availability availability) {
  /** Checks that name and availability are present. */
  public BackendStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(availability, "availability");
  }

  /** True when the probe found the backend usable here. */
  public boolean available() {
    return availability.available();
  }

  /** One line such as {@code onnx (priority 100, available on [CPU]: ORT 1.20)}. */
  public String describe() {
    return name + " (priority " + priority + ", "
        + (available() ? "available on " + availability.devices() : "unavailable")
        + (availability.detail() == null || availability.detail().isBlank() ? "" : ": " + availability.detail())
        + ")";
  }
}
