package io.rstar4j.core.model;

import java.util.List;

/**
 * The samples of one {@link GenerationRequest} with its accounting.
 *
 * @param completions the {@code n} samples, in sample order
 * @param promptTokens tokens in the prompt
 * @param reusedPromptTokens prompt tokens whose KV came from the prefix cache (not recomputed)
 * @param prefillNanos time spent computing this prompt's prefill (0 when shared with an identical
 *     prompt in the same call)
 * @param totalNanos time from the start of the call until this request's last sample finished
 */
public record GenerationResult(
    List<Completion> completions,
    int promptTokens,
    int reusedPromptTokens,
    long prefillNanos,
    long totalNanos) {
  public GenerationResult {
    completions = List.copyOf(completions);
  }

  /** Tokens generated over all samples. */
  public int completionTokens() {
    int s = 0;
    for (Completion c : completions) {
      s += c.completionTokens();
    }
    return s;
  }
}
