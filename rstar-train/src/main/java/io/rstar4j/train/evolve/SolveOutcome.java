package io.rstar4j.train.evolve;

import java.util.Objects;

/**
 * What a search found for one problem.
 *
 * @param id the problem's id
 * @param answer the chosen answer (the answer leaf with the highest Q), or null when the search
 *     found none
 * @param correct whether the answer matches a gold answer; null when the problem has none
 * @param score the chosen answer's score (its Q), NaN when there is no answer
 * @param resumed whether the outcome was read back from a tree saved by an earlier run
 */
public record SolveOutcome(
    String id, String answer, Boolean correct, double score, boolean resumed) {
  /** Validates. */
  public SolveOutcome {
    Objects.requireNonNull(id, "id");
  }
}
