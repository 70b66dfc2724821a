package io.rstar4j.train.ppm;

/**
 * The backbone cannot be fine-tuned (only its head can be trained): it is quantized, has a
 * parameter that is not float32, or an operator without a gradient rule. Thrown before any epoch
 * runs.
 */
public final class BackboneNotTrainableException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final boolean quantized;

  BackboneNotTrainableException(String message, boolean quantized, Throwable cause) {
    super(message, cause);
    this.quantized = quantized;
  }

  /** Whether the backbone is quantized (integer weights). */
  public boolean quantized() {
    return quantized;
  }
}
