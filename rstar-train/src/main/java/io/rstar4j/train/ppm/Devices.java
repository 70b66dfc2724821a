package io.rstar4j.train.ppm;

import io.rstar4j.core.model.ProviderChoice;

/**
 * The training settings' device names ({@code cpu}, {@code cuda}) as the model runtime's typed
 * provider choice, in one place: {@code cuda} asks for CUDA and falls back to the CPU with one log
 * line when it cannot be used ({@link ProviderChoice#AUTO}), {@code cpu} stays on the CPU.
 */
final class Devices {
  private Devices() {}

  static ProviderChoice provider(String device) {
    return "cuda".equals(device) ? ProviderChoice.AUTO : ProviderChoice.CPU;
  }
}
