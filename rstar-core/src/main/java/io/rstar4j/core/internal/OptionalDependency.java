package io.rstar4j.core.internal;

/**
 * A check that an optional dependency is on the class path, written once. rstar4j declares its
 * native runtimes optional (ONNX Runtime in rstar-core and rstar-train, GraalPy in rstar-verify),
 * so the user adds the one they choose; an entry point that needs one calls {@link #require} first
 * and its caller gets a message naming the artifacts to add, instead of a {@code
 * NoClassDefFoundError} from deep inside.
 *
 * <p>The class that calls {@link #require} must itself link without the dependency: no {@code
 * catch} of one of its exception types and no use of its types where the verifier must check a
 * subtype (keep such code in classes that are loaded only after the check).
 */
public final class OptionalDependency {
  private OptionalDependency() {}

  /**
   * Whether a class can be loaded (without initialising it) by the loader of rstar4j's classes.
   *
   * @throws NullPointerException if {@code className} is null
   */
  public static boolean isPresent(String className) {
    try {
      Class.forName(className, false, OptionalDependency.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * Fails unless {@code probeClass} can be loaded.
   *
   * @param probeClass a class of the dependency, e.g. {@code ai.onnxruntime.OrtEnvironment}
   * @param user what needs it, e.g. {@code "CausalLm"}
   * @param dependency what it is, e.g. {@code "ONNX Runtime"}
   * @param artifacts how to add it, e.g. {@code "com.microsoft.onnxruntime:onnxruntime (CPU)"}
   * @throws IllegalStateException naming {@code artifacts} when the class is absent
   */
  public static void require(String probeClass, String user, String dependency, String artifacts) {
    if (!isPresent(probeClass)) {
      throw new IllegalStateException(
          user
              + " needs "
              + dependency
              + ", which is not on the class path: add "
              + artifacts
              + " to your dependencies (rstar-bom pins the version rstar4j was built with)");
    }
  }
}
