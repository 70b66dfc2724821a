package io.rstar4j.core.internal;

/**
 * The check every ONNX entry point ({@code CausalLm.builder}, the Process Preference Model's
 * loaders and trainer) calls first: rstar-core and rstar-train declare ONNX Runtime optional, and
 * the user adds the CPU or the GPU build.
 */
public final class OnnxRuntimeCheck {
  /** The artifacts to add, as the error message names them. */
  public static final String ARTIFACTS =
      "com.microsoft.onnxruntime:onnxruntime (CPU) or com.microsoft.onnxruntime:onnxruntime_gpu"
          + " (CUDA)";

  private OnnxRuntimeCheck() {}

  /** Whether ONNX Runtime's Java API is on the class path. */
  public static boolean isPresent() {
    return OptionalDependency.isPresent("ai.onnxruntime.OrtEnvironment");
  }

  /**
   * Fails unless ONNX Runtime is on the class path.
   *
   * @param user what needs it, named in the message (e.g. {@code "CausalLm"})
   * @throws IllegalStateException naming {@link #ARTIFACTS} when it is absent
   */
  public static void require(String user) {
    OptionalDependency.require("ai.onnxruntime.OrtEnvironment", user, "ONNX Runtime", ARTIFACTS);
  }
}
