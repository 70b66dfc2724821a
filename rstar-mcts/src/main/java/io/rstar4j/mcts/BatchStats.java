package io.rstar4j.mcts;

import java.util.List;

/**
 * The batches a lock-step search handed to its models, in call order.
 *
 * @param policyBatches the size of each {@code Policy.propose} call (expansion requests)
 * @param rewardBatches the size of each {@code RewardModel.score} call (scoring requests)
 * @param generations candidate steps the policy returned in all (the search's generation budget)
 */
public record BatchStats(
    List<Integer> policyBatches, List<Integer> rewardBatches, long generations) {
  public BatchStats {
    policyBatches = List.copyOf(policyBatches);
    rewardBatches = List.copyOf(rewardBatches);
  }

  /** Total expansion requests. */
  public long policyRequests() {
    return policyBatches.stream().mapToLong(Integer::longValue).sum();
  }

  /** Total scoring requests. */
  public long rewardRequests() {
    return rewardBatches.stream().mapToLong(Integer::longValue).sum();
  }
}
