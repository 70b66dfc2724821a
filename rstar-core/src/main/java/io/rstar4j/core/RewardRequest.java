package io.rstar4j.core;

import java.util.Objects;

/**
 * One scoring request: how promising is this partial trajectory (its last step in particular)?
 *
 * @param problem the problem
 * @param partial the steps so far, the step to score last
 */
public record RewardRequest(Problem problem, Trajectory partial) {
  /**
   * Validates.
   *
   * @throws NullPointerException if an argument is null
   */
  public RewardRequest {
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(partial, "partial");
  }
}
