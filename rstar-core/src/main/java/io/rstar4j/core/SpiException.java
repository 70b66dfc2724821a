package io.rstar4j.core;

/**
 * An SPI implementation ({@link Policy}, {@link RewardModel}, {@link Verifier}, {@link
 * AnswerGrader}) could not do its job: a server could not be reached or kept failing, ONNX Runtime
 * failed while running a model, a verifier's worker pool could not start or was interrupted. The
 * one unchecked exception the SPI methods throw for such failures; implementations throw it or a
 * subclass (for example {@link io.rstar4j.core.http.HttpPolicyException}) with a message that names
 * what failed and why, and the cause attached.
 *
 * <p>It is not thrown for a failing <em>program</em>: a Python error, a timeout or a sandbox
 * refusal is an {@link ExecutionOutcome}, not an exception. Contract violations detected by a
 * caller (a wrong batch size, a score outside [-1, 1]) are {@link IllegalStateException}s thrown by
 * that caller.
 */
public class SpiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * An SPI failure.
   *
   * @param message what failed and why
   */
  public SpiException(String message) {
    super(message);
  }

  /**
   * An SPI failure with its cause.
   *
   * @param message what failed and why
   * @param cause the underlying failure
   */
  public SpiException(String message, Throwable cause) {
    super(message, cause);
  }
}
