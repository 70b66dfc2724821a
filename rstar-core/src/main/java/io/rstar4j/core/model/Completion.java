package io.rstar4j.core.model;

import io.rstar4j.core.StopReason;
import java.util.List;
import java.util.Objects;

/**
 * One sampled continuation.
 *
 * @param text the decoded text, cut after the first stop string (which is kept)
 * @param tokens the generated token ids (including the one that completed a stop string, and an
 *     end-of-sequence token if one ended it)
 * @param stopReason why it ended
 */
public record Completion(String text, List<Integer> tokens, StopReason stopReason) {
  public Completion {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(stopReason, "stopReason");
    tokens = List.copyOf(tokens);
  }

  /** Number of generated tokens. */
  public int completionTokens() {
    return tokens.size();
  }
}
