package io.rstar4j.mcts;

import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Generation;
import io.rstar4j.core.Policy;
import io.rstar4j.core.PolicyRequest;
import io.rstar4j.core.RewardModel;
import io.rstar4j.core.RewardRequest;
import io.rstar4j.core.Step;
import io.rstar4j.core.Trajectory;
import io.rstar4j.core.Verifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The SPI calls of one search or baseline run, in one place: each answer is checked at the boundary
 * against its contract (one list per request, one score per request in [-1, 1], one outcome per
 * step, nothing null), with a message that names the contract, and every batch is counted for
 * {@link BatchStats}. The reasoning search and the baselines share it.
 */
final class ModelCalls {
  private final Policy policy;
  private final RewardModel rewardModel;
  private final Verifier verifier;
  private final List<Integer> policyBatches = new ArrayList<>();
  private final List<Integer> rewardBatches = new ArrayList<>();
  private long generations;

  /**
   * @param rewardModel may be null when the run scores nothing
   */
  ModelCalls(Policy policy, RewardModel rewardModel, Verifier verifier) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.rewardModel = rewardModel;
    this.verifier = Objects.requireNonNull(verifier, "verifier");
  }

  /**
   * One {@code Policy.propose} call.
   *
   * @throws IllegalStateException if the policy breaks its contract
   */
  List<List<Generation>> propose(List<PolicyRequest> requests) {
    List<List<Generation>> out = policy.propose(requests);
    policyBatches.add(requests.size());
    if (out == null || out.size() != requests.size()) {
      throw broken(
          "Policy.propose",
          (out == null ? "null" : out.size() + " lists") + " for " + requests.size() + " requests",
          "one list per request, in order");
    }
    for (int i = 0; i < out.size(); i++) {
      List<Generation> g = out.get(i);
      if (g == null || hasNull(g)) {
        throw broken(
            "Policy.propose",
            (g == null ? "null" : "a null generation") + " for request " + i,
            "a list of generations per request");
      }
      generations += g.size();
    }
    return out;
  }

  /**
   * One {@code RewardModel.score} call; none for no request.
   *
   * @throws IllegalStateException if the reward model breaks its contract
   * @throws NullPointerException if there are requests and no reward model
   */
  double[] score(List<RewardRequest> requests) {
    if (requests.isEmpty()) {
      return new double[0];
    }
    double[] s = Objects.requireNonNull(rewardModel, "rewardModel").score(requests);
    rewardBatches.add(requests.size());
    if (s == null || s.length != requests.size()) {
      throw broken(
          "RewardModel.score",
          (s == null ? "null" : s.length + " scores") + " for " + requests.size() + " requests",
          "one score per request, in order");
    }
    for (double x : s) {
      if (!(x >= -1 && x <= 1)) {
        throw broken("RewardModel.score", "the score " + x, "every score in [-1, 1]");
      }
    }
    return s;
  }

  /**
   * One {@code Verifier.executeSteps} call; none for no step.
   *
   * @throws IllegalStateException if the verifier breaks its contract
   */
  List<ExecutionOutcome> execute(List<Verifier.StepInContext> steps) {
    if (steps.isEmpty()) {
      return List.of();
    }
    List<ExecutionOutcome> out = verifier.executeSteps(steps);
    if (out == null || out.size() != steps.size() || hasNull(out)) {
      throw broken(
          "Verifier.executeSteps",
          out == null || hasNull(out)
              ? "a null outcome"
              : out.size() + " outcomes for " + steps.size() + " steps",
          "one outcome per step, in order");
    }
    return out;
  }

  /**
   * One {@code Verifier.executeStep} call.
   *
   * @throws IllegalStateException if the verifier returns null
   */
  ExecutionOutcome execute(Trajectory before, Step step) {
    ExecutionOutcome o = verifier.executeStep(before, step);
    if (o == null) {
      throw broken("Verifier.executeStep", "null", "an outcome");
    }
    return o;
  }

  /** The batches so far. */
  BatchStats stats() {
    return new BatchStats(policyBatches, rewardBatches, generations);
  }

  /** Whether the list holds a null (immutable lists refuse {@code contains(null)}). */
  private static boolean hasNull(List<?> list) {
    for (Object o : list) {
      if (o == null) {
        return true;
      }
    }
    return false;
  }

  private static IllegalStateException broken(String call, String got, String contract) {
    return new IllegalStateException(
        call + " broke its contract: it returned " + got + " (it must return " + contract + ")");
  }
}
