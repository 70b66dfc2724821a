package io.rstar4j.core;

import java.util.Objects;

/**
 * One expansion request: propose {@code n} candidate next steps after a partial trajectory.
 *
 * @param problem the problem being solved
 * @param partial the steps so far (empty at the root)
 * @param n how many candidates to sample, at least 1
 */
public record PolicyRequest(Problem problem, Trajectory partial, int n) {
  /**
   * Validates.
   *
   * @throws NullPointerException if problem or partial is null
   * @throws IllegalArgumentException if n is below 1
   */
  public PolicyRequest {
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(partial, "partial");
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, was " + n);
    }
  }

  /** The prompt in the search template. */
  public String prompt() {
    return PromptTemplate.SEARCH.render(problem.question(), partial);
  }
}
