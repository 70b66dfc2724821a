package io.rstar4j.mcts;

import java.util.Objects;

/**
 * A final answer with its score: an answer leaf's Q (+1/-1 in the gold modes, the reward model's
 * score at test time).
 *
 * @param answer the {@code \boxed{}} content
 * @param score the score
 */
public record ScoredAnswer(String answer, double score) {
  public ScoredAnswer {
    Objects.requireNonNull(answer, "answer");
  }
}
