package io.rstar4j.core.model;

/**
 * Which execution provider a {@link CausalLm} or a {@link GraphSession} asks for; the CUDA device
 * is set beside it ({@link CausalLm.Builder#cudaDevice(int)}, {@link
 * GraphSession.Builder#cudaDevice(int)}).
 */
public enum ProviderChoice {
  /**
   * CUDA when it works, else CPU with one log line. Decided once per process: after a failure,
   * later sessions go to the CPU at once.
   */
  AUTO,
  /** CUDA or an error. */
  CUDA,
  /** CPU only. */
  CPU
}
