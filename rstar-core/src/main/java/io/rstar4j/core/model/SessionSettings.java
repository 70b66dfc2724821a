package io.rstar4j.core.model;

import io.rstar4j.core.internal.Checks;
import java.util.Objects;

/**
 * How {@link OnnxSessions} opens a session: the provider choice, the CUDA device, the intra-op
 * threads and whether ONNX Runtime's workers spin between runs.
 *
 * @param provider the provider asked for
 * @param cudaDevice the CUDA device id (used by {@link ProviderChoice#AUTO} and {@link
 *     ProviderChoice#CUDA})
 * @param intraOpThreads threads for one operator; 0 for ONNX Runtime's default
 * @param spinning whether worker threads spin between runs (ONNX Runtime's default is true)
 */
record SessionSettings(
    ProviderChoice provider, int cudaDevice, int intraOpThreads, boolean spinning) {
  SessionSettings {
    Objects.requireNonNull(provider, "provider");
    Checks.atLeast("CUDA device", cudaDevice, 0);
    Checks.atLeast("intra-op threads", intraOpThreads, 0);
  }

  /** ONNX Runtime's defaults on the given provider (device 0). */
  static SessionSettings defaults(ProviderChoice provider) {
    return new SessionSettings(provider, 0, 0, true);
  }
}
