package io.rstar4j.core;

import java.util.Objects;
import java.util.Optional;

/**
 * One candidate continuation proposed by a {@link Policy}.
 *
 * @param text the generated text, cut at the stop string with the stop string put back
 * @param stopReason why generation ended
 * @param promptTokens tokens in the prompt (0 when unknown)
 * @param completionTokens tokens generated (0 when unknown)
 */
public record Generation(
    String text, StopReason stopReason, int promptTokens, int completionTokens) {

  public Generation {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(stopReason, "stopReason");
    if (promptTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException("token counts must be >= 0");
    }
  }

  /** A generation that ended at a stop string, without token accounting (scripted policies). */
  public static Generation of(String text) {
    return new Generation(
        text,
        StepFormat.stopStringOf(text).isPresent()
            ? StopReason.STOP_STRING
            : StopReason.END_OF_SEQUENCE,
        0,
        0);
  }

  /** The stop string this text ends with (trailing whitespace ignored), if any. */
  public Optional<String> stopString() {
    return StepFormat.stopStringOf(text);
  }

  /** Parses the text into a step. */
  public Step toStep() {
    return StepFormat.parse(text);
  }
}
