package io.rstar4j.core.model;

import io.rstar4j.core.internal.Checks;
import java.util.Objects;

/**
 * One prompt to continue {@code n} times. The {@code n} samples share the prompt's prefill.
 *
 * @param prompt the prompt, a text or token ids
 * @param n samples to draw, at least 1
 */
public record GenerationRequest(Prompt prompt, int n) {
  /**
   * @throws NullPointerException if {@code prompt} is null
   * @throws IllegalArgumentException if {@code n} is below 1
   */
  public GenerationRequest {
    Objects.requireNonNull(prompt, "prompt");
    Checks.positive("n", n);
  }

  /**
   * A text prompt, tokenized with the model's tokenizer (no special tokens added).
   *
   * @throws NullPointerException if {@code prompt} is null
   * @throws IllegalArgumentException if {@code n} is below 1
   */
  public static GenerationRequest ofText(String prompt, int n) {
    return new GenerationRequest(Prompt.text(prompt), n);
  }

  /**
   * A prompt given as token ids (copied).
   *
   * @throws NullPointerException if {@code ids} is null
   * @throws IllegalArgumentException if {@code n} is below 1
   */
  public static GenerationRequest ofTokens(int[] ids, int n) {
    return new GenerationRequest(Prompt.tokens(ids), n);
  }
}
