package io.rstar4j.mcts;

import java.util.List;
import java.util.Objects;

/**
 * What a lock-step search over many problems produced.
 *
 * @param results one result per problem, in the problems' order
 * @param stats the batches handed to the policy and the reward model
 */
public record LockStepResult(List<SearchResult> results, BatchStats stats) {
  public LockStepResult {
    results = List.copyOf(results);
    Objects.requireNonNull(stats, "stats");
  }
}
