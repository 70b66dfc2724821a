package io.rstar4j.mcts;

import io.rstar4j.core.tree.ReasoningTree;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one {@link EvalMethod} did on a problem list: each problem's chosen answer and grade, the
 * generation budget spent, and where the wall time went.
 *
 * @param method the method and budget
 * @param outcomes one per problem, in the problems' order
 * @param generatedTokens completion tokens the policy reported in all (0 when it reports none)
 * @param generations candidate steps the policy returned in all
 * @param timing where the method's wall time went (grading against the gold answers excluded)
 */
public record Evaluation(
    EvalMethod method,
    List<Outcome> outcomes,
    long generatedTokens,
    long generations,
    Timing timing) {

  /** The 97.5% quantile of the standard normal distribution, for 95% intervals. */
  static final double Z95 = 1.959963984540054;

  public Evaluation {
    Objects.requireNonNull(method, "method");
    outcomes = List.copyOf(outcomes);
    Objects.requireNonNull(timing, "timing");
  }

  /**
   * One problem's result.
   *
   * @param id the problem's id
   * @param answer the chosen answer, empty when no solution completed
   * @param correct the grade against the gold answers, empty for a problem without one
   * @param score the chosen answer's score (vote share, aggregated PPM score or Q), NaN without one
   * @param tree the search tree (MCTS; the first search of {@link EvalMethod.Searches}) when the
   *     evaluator keeps trees
   */
  public record Outcome(
      String id,
      Optional<String> answer,
      Optional<Boolean> correct,
      double score,
      Optional<ReasoningTree> tree) {
    public Outcome {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(answer, "answer");
      Objects.requireNonNull(correct, "correct");
      Objects.requireNonNull(tree, "tree");
    }
  }

  /**
   * Wall time of a method and the part spent inside each model; the rest is the engine's (search
   * bookkeeping, parsing, votes, batching).
   *
   * @param wallNanos the whole method, problems in lock-step groups
   * @param policyNanos inside {@code Policy.propose}
   * @param verifierNanos inside the verifier
   * @param rewardModelNanos inside {@code RewardModel.score}
   */
  public record Timing(
      long wallNanos, long policyNanos, long verifierNanos, long rewardModelNanos) {
    /** Wall time outside the policy, the verifier and the reward model, at least 0. */
    public long engineNanos() {
      return Math.max(0, wallNanos - policyNanos - verifierNanos - rewardModelNanos);
    }

    /** {@code nanos} as a share of the wall time, 0 when no time passed. */
    public double share(long nanos) {
      return wallNanos <= 0 ? 0.0 : (double) nanos / wallNanos;
    }
  }

  /** Problems with a gold answer. */
  public int graded() {
    int n = 0;
    for (Outcome o : outcomes) {
      if (o.correct().isPresent()) {
        n++;
      }
    }
    return n;
  }

  /** Problems answered correctly. */
  public int correct() {
    int n = 0;
    for (Outcome o : outcomes) {
      if (o.correct().orElse(false)) {
        n++;
      }
    }
    return n;
  }

  /** Problems with an answer. */
  public int answered() {
    int n = 0;
    for (Outcome o : outcomes) {
      if (o.answer().isPresent()) {
        n++;
      }
    }
    return n;
  }

  /** correct / graded, NaN when nothing was graded. */
  public double accuracy() {
    int g = graded();
    return g == 0 ? Double.NaN : (double) correct() / g;
  }

  /** The 95% Wilson score interval {low, high} of the accuracy; {NaN, NaN} when none graded. */
  public double[] wilson95() {
    return wilson(correct(), graded(), Z95);
  }

  /** Completion tokens per problem. */
  public double tokensPerProblem() {
    return outcomes.isEmpty() ? 0.0 : (double) generatedTokens / outcomes.size();
  }

  /** Wall seconds per problem. */
  public double secondsPerProblem() {
    return outcomes.isEmpty() ? 0.0 : timing.wallNanos() / 1e9 / outcomes.size();
  }

  /**
   * The Wilson score interval of k successes in n trials at the normal quantile z.
   *
   * @return {low, high}, {NaN, NaN} for n = 0
   * @throws IllegalArgumentException if k is outside [0, n]
   */
  public static double[] wilson(int k, int n, double z) {
    if (k < 0 || k > n) {
      throw new IllegalArgumentException("need 0 <= k <= n, was k=" + k + ", n=" + n);
    }
    if (n == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double p = (double) k / n;
    double z2 = z * z;
    double denom = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denom;
    double half = z / denom * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
  }
}
