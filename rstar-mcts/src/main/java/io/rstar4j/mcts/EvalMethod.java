package io.rstar4j.mcts;

import io.rstar4j.core.internal.Checks;
import java.util.Locale;
import java.util.Objects;

/**
 * A test-time method the {@link Evaluator} runs, with its budget: the closed set of greedy
 * decoding, best-of-N, step-level beam search, DVTS, MCTS and independent searches with a vote.
 * Names and budgets follow HF search-and-learn: {@code n} is the number of trajectories (samples,
 * beams, or beams over all subtrees), beam search and DVTS expand each beam {@code expansions}
 * times per step.
 */
public sealed interface EvalMethod {

  /** The number of root-to-answer trajectories the method may generate per problem. */
  int trajectories();

  /** A short name with the budget, for tables and plots, e.g. {@code best-of-n:majority@8}. */
  String label();

  /** The method's name without the budget ({@code best-of-n:ppm-best:min}); one line per name. */
  String family();

  /** The budget the {@link #family()} line is drawn over (n, rollouts or searches). */
  int budget();

  /** How step scores of one trajectory combine into the trajectory's score. */
  enum Aggregation {
    /** The last step's score (the whole solution's). */
    LAST,
    /** The lowest step score. */
    MIN,
    /** The product of the step scores. */
    PROD;

    /**
     * Combines per-step scores in [-1, 1], each first mapped to p = (s + 1) / 2 in [0, 1] (so that
     * a product and a weighted vote make sense); the result is in [0, 1].
     *
     * @throws IllegalArgumentException if there are no scores
     */
    public double combine(double[] stepScores) {
      if (stepScores.length == 0) {
        throw new IllegalArgumentException("no step scores to combine");
      }
      switch (this) {
        case LAST:
          return p(stepScores[stepScores.length - 1]);
        case MIN:
          {
            double m = 1;
            for (double s : stepScores) {
              m = Math.min(m, p(s));
            }
            return m;
          }
        default:
          {
            double m = 1;
            for (double s : stepScores) {
              m *= p(s);
            }
            return m;
          }
      }
    }

    private static double p(double s) {
      return (s + 1) / 2;
    }

    String jsonName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How the answers of many trajectories (or searches) become one. */
  enum Vote {
    /** The most frequent answer up to the grader's equivalence; no reward model needed. */
    MAJORITY,
    /** The answer of the trajectory with the highest aggregated reward-model score. */
    PPM_BEST,
    /** The answer whose trajectories' aggregated scores sum highest (up to equivalence). */
    PPM_WEIGHTED;

    String jsonName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** One trajectory, one candidate per step (pair with a temperature-0 policy for true greedy). */
  record Greedy() implements EvalMethod {
    @Override
    public int trajectories() {
      return 1;
    }

    @Override
    public String label() {
      return "greedy";
    }

    @Override
    public String family() {
      return "greedy";
    }

    @Override
    public int budget() {
      return 1;
    }
  }

  /**
   * Best-of-N: n solutions sampled step by step, all advancing together, then one answer by vote.
   *
   * @param n samples per problem
   * @param vote how the answer is chosen
   * @param aggregation how step scores combine (ignored by {@link Vote#MAJORITY})
   */
  record BestOfN(int n, Vote vote, Aggregation aggregation) implements EvalMethod {
    /**
     * Validates.
     *
     * @throws IllegalArgumentException if n is below 1
     * @throws NullPointerException if vote or aggregation is null
     */
    public BestOfN {
      Checks.positive("n", n);
      Objects.requireNonNull(vote, "vote");
      Objects.requireNonNull(aggregation, "aggregation");
    }

    @Override
    public int trajectories() {
      return n;
    }

    @Override
    public String family() {
      return "best-of-n:"
          + vote.jsonName()
          + (vote == Vote.MAJORITY ? "" : ":" + aggregation.jsonName());
    }

    @Override
    public String label() {
      return family() + "@" + n;
    }

    @Override
    public int budget() {
      return n;
    }
  }

  /**
   * Step-level beam search: n / expansions beams (at least 1), each expanded {@code expansions}
   * times per step; the reward model's score of the new step ranks them, the best n / expansions go
   * on; the answer is the completed solution with the highest aggregated score.
   *
   * @param n the budget: beams times expansions
   * @param expansions candidates per beam and step
   * @param aggregation how step scores combine for the final choice
   */
  record Beam(int n, int expansions, Aggregation aggregation) implements EvalMethod {
    /**
     * Validates.
     *
     * @throws IllegalArgumentException if n or expansions is below 1
     * @throws NullPointerException if aggregation is null
     */
    public Beam {
      Checks.positive("n", n);
      Checks.positive("expansions", expansions);
      Objects.requireNonNull(aggregation, "aggregation");
    }

    /** Beams kept per step. */
    public int width() {
      return Math.max(1, n / expansions);
    }

    @Override
    public int trajectories() {
      return n;
    }

    @Override
    public String family() {
      return "beam";
    }

    @Override
    public String label() {
      return "beam@" + n;
    }

    @Override
    public int budget() {
      return n;
    }
  }

  /**
   * Diverse verifier tree search: n / expansions independent subtrees (at least 1), each a beam of
   * width 1 that expands {@code expansions} candidates per step and keeps the best; the answer is
   * the score-weighted vote over every subtree's completed solutions.
   *
   * @param n the budget: subtrees times expansions
   * @param expansions candidates per subtree and step
   * @param aggregation how step scores combine for the vote
   */
  record Dvts(int n, int expansions, Aggregation aggregation) implements EvalMethod {
    /**
     * Validates.
     *
     * @throws IllegalArgumentException if n or expansions is below 1
     * @throws NullPointerException if aggregation is null
     */
    public Dvts {
      Checks.positive("n", n);
      Checks.positive("expansions", expansions);
      Objects.requireNonNull(aggregation, "aggregation");
    }

    /** Independent subtrees. */
    public int subtrees() {
      return Math.max(1, n / expansions);
    }

    @Override
    public int trajectories() {
      return n;
    }

    @Override
    public String family() {
      return "dvts";
    }

    @Override
    public String label() {
      return "dvts@" + n;
    }

    @Override
    public int budget() {
      return n;
    }
  }

  /**
   * rStar's test-time MCTS with k rollouts (the evaluator's configuration otherwise), the answer
   * with the highest Q.
   *
   * @param rollouts k
   */
  record Mcts(int rollouts) implements EvalMethod {
    /**
     * Validates.
     *
     * @throws IllegalArgumentException if rollouts is below 1
     */
    public Mcts {
      Checks.positive("rollouts", rollouts);
    }

    @Override
    public int trajectories() {
      return rollouts;
    }

    @Override
    public String family() {
      return "mcts";
    }

    @Override
    public String label() {
      return "mcts@" + rollouts;
    }

    @Override
    public int budget() {
      return rollouts;
    }
  }

  /**
   * k independent test-time searches of the evaluator's configuration, each contributing its best
   * answer, combined by a vote ({@link Vote#PPM_BEST}: the highest Q; {@link Vote#PPM_WEIGHTED}:
   * Q-weighted).
   *
   * @param k searches per problem
   * @param vote how the k answers combine
   */
  record Searches(int k, Vote vote) implements EvalMethod {
    /**
     * Validates.
     *
     * @throws IllegalArgumentException if k is below 1
     * @throws NullPointerException if vote is null
     */
    public Searches {
      Checks.positive("k", k);
      Objects.requireNonNull(vote, "vote");
    }

    @Override
    public int trajectories() {
      return k;
    }

    @Override
    public String family() {
      return "searches:" + vote.jsonName();
    }

    @Override
    public String label() {
      return family() + "@" + k;
    }

    @Override
    public int budget() {
      return k;
    }
  }

  /**
   * Parses a method name with a budget: {@code greedy}; {@code best-of-n[:majority|ppm-best|
   * ppm-weighted[:last|min|prod]]} (default majority, last); {@code beam[:last|min|prod]}; {@code
   * dvts[:last|min|prod]}; {@code mcts}; {@code searches[:majority|ppm-best|ppm-weighted]} (default
   * majority). Beam search and DVTS expand each beam 4 times per step, as search-and-learn does.
   *
   * @throws IllegalArgumentException naming the valid forms if the name is unknown or the budget is
   *     below 1
   */
  static EvalMethod parse(String spec, int budget) {
    Objects.requireNonNull(spec, "spec");
    String[] p = spec.trim().toLowerCase(Locale.ROOT).split(":", -1);
    try {
      switch (p[0]) {
        case "greedy":
          expectParts(p, 1);
          return new Greedy();
        case "best-of-n":
          {
            expectParts(p, 3);
            Vote v = p.length > 1 ? vote(p[1]) : Vote.MAJORITY;
            Aggregation a = p.length > 2 ? aggregation(p[2]) : Aggregation.LAST;
            return new BestOfN(budget, v, a);
          }
        case "beam":
          expectParts(p, 2);
          return new Beam(budget, 4, p.length > 1 ? aggregation(p[1]) : Aggregation.LAST);
        case "dvts":
          expectParts(p, 2);
          return new Dvts(budget, 4, p.length > 1 ? aggregation(p[1]) : Aggregation.LAST);
        case "mcts":
          expectParts(p, 1);
          return new Mcts(budget);
        case "searches":
          expectParts(p, 2);
          return new Searches(budget, p.length > 1 ? vote(p[1]) : Vote.MAJORITY);
        default:
          throw new IllegalArgumentException("unknown method");
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "bad method '"
              + spec
              + "' with budget "
              + budget
              + " ("
              + e.getMessage()
              + "): use greedy, best-of-n[:majority|ppm-best|ppm-weighted[:last|min|prod]],"
              + " beam[:last|min|prod], dvts[:last|min|prod], mcts or"
              + " searches[:majority|ppm-best|ppm-weighted], and a budget >= 1",
          e);
    }
  }

  private static void expectParts(String[] p, int max) {
    if (p.length > max) {
      throw new IllegalArgumentException("too many ':' parts");
    }
  }

  private static Vote vote(String s) {
    switch (s) {
      case "majority":
        return Vote.MAJORITY;
      case "ppm-best":
        return Vote.PPM_BEST;
      case "ppm-weighted":
        return Vote.PPM_WEIGHTED;
      default:
        throw new IllegalArgumentException("unknown vote '" + s + "'");
    }
  }

  private static Aggregation aggregation(String s) {
    switch (s) {
      case "last":
        return Aggregation.LAST;
      case "min":
        return Aggregation.MIN;
      case "prod":
        return Aggregation.PROD;
      default:
        throw new IllegalArgumentException("unknown aggregation '" + s + "'");
    }
  }

  /** Whether the method needs a reward model. */
  default boolean needsRewardModel() {
    if (this instanceof BestOfN b) {
      return b.vote() != Vote.MAJORITY;
    }
    return this instanceof Beam || this instanceof Dvts;
  }
}
