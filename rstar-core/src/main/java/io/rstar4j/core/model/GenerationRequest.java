package io.rstar4j.core.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * One prompt to continue {@code n} times. The {@code n} samples share the prompt's prefill.
 *
 * @param prompt the prompt text, or null when given as token ids
 * @param promptTokens the prompt's token ids, or null when given as text
 * @param n samples to draw, at least 1
 */
public record GenerationRequest(String prompt, int[] promptTokens, int n) {
  public GenerationRequest {
    if ((prompt == null) == (promptTokens == null)) {
      throw new IllegalArgumentException("give either a prompt text or prompt token ids");
    }
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, was " + n);
    }
    promptTokens = promptTokens == null ? null : promptTokens.clone();
  }

  /** A text prompt, tokenized with the model's tokenizer (no special tokens added). */
  public static GenerationRequest ofText(String prompt, int n) {
    return new GenerationRequest(Objects.requireNonNull(prompt, "prompt"), null, n);
  }

  /** A prompt given as token ids. */
  public static GenerationRequest ofTokens(int[] ids, int n) {
    return new GenerationRequest(null, Objects.requireNonNull(ids, "ids"), n);
  }

  @Override
  public int[] promptTokens() {
    return promptTokens == null ? null : promptTokens.clone();
  }

  int[] tokensUnsafe() {
    return promptTokens;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GenerationRequest r
        && n == r.n
        && Objects.equals(prompt, r.prompt)
        && Arrays.equals(promptTokens, r.promptTokens);
  }

  @Override
  public int hashCode() {
    return Objects.hash(prompt, Arrays.hashCode(promptTokens), n);
  }

  @Override
  public String toString() {
    return "GenerationRequest["
        + (prompt != null ? "prompt=" + prompt : "promptTokens=" + Arrays.toString(promptTokens))
        + ", n="
        + n
        + "]";
  }
}
