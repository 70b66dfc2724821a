package io.rstar4j.mcts;

import io.rstar4j.mcts.engine.EngineOptions;
import io.rstar4j.mcts.engine.EngineOptions.EmptyExpansion;
import io.rstar4j.mcts.engine.EngineOptions.TerminalMarking;
import io.rstar4j.mcts.engine.SelectionRule;
import io.rstar4j.mcts.engine.SelectionRule.UnvisitedScore;
import java.util.Objects;

/**
 * Configuration of rStar's reasoning search. The presets mirror the reference: {@link
 * #bootstrapRound()}, {@link #ppmAugmentedRound()}, {@link #testTime()}. The last three fields are
 * named departures from the reference, off by default.
 *
 * @param mode terminal-guided, PPM-augmented or test-time
 * @param rollouts rollouts per problem, >= 1
 * @param maxDepth the depth limit (the reference: 16): a rollout goes at most this many levels and
 *     a new non-terminal node deeper than this is a terminal with -1 on itself
 * @param candidates n, candidates the policy samples per expansion, >= 1
 * @param c the UCT exploration constant (the reference: 2), finite and >= 0
 * @param errorsThreshold consecutive code errors that make a node terminal (2 in the bootstrap
 *     round, 1 later), >= 1
 * @param unvisitedScore what an unvisited child scores: {@code ZERO} (the reference) or {@code
 *     INFINITY} (try every child once first)
 * @param terminalMarking {@code LAZY} (the reference: an all-terminal parent is marked when a
 *     rollout visits it, wasting that rollout) or {@code EAGER} (marked at once, up the tree)
 * @param emptyExpansion {@code FREEZE} (the reference: a node whose expansion yields nothing stays
 *     open and every later rollout repeats its path) or {@code TERMINATE} (it becomes a dead end
 *     and the search goes elsewhere)
 * @param rolloutsInFlight rollouts of one tree advanced together in each lock-step round (the
 *     reference: 1); more give bigger batches for few problems, and are steered apart by {@code
 *     virtualLoss}
 * @param virtualLoss the virtual loss per in-flight rollout through a node (0 = none), finite and
 *     >= 0
 */
public record SearchConfig(
    SearchMode mode,
    int rollouts,
    int maxDepth,
    int candidates,
    double c,
    int errorsThreshold,
    UnvisitedScore unvisitedScore,
    TerminalMarking terminalMarking,
    EmptyExpansion emptyExpansion,
    int rolloutsInFlight,
    double virtualLoss) {

  /**
   * Validates.
   *
   * @throws IllegalArgumentException with a message naming the field for any invalid value
   * @throws NullPointerException if an enum is null
   */
  public SearchConfig {
    Objects.requireNonNull(mode, "mode");
    positive("rollouts", rollouts);
    positive("maxDepth", maxDepth);
    positive("candidates", candidates);
    positive("errorsThreshold", errorsThreshold);
    if (!(c >= 0) || Double.isInfinite(c)) {
      throw new IllegalArgumentException("c must be finite and >= 0, was " + c);
    }
    Objects.requireNonNull(unvisitedScore, "unvisitedScore");
    Objects.requireNonNull(terminalMarking, "terminalMarking");
    Objects.requireNonNull(emptyExpansion, "emptyExpansion");
    positive("rolloutsInFlight", rolloutsInFlight);
    checkVirtualLoss(virtualLoss);
  }

  private static void checkVirtualLoss(double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("virtualLoss must be finite and >= 0, was " + v);
    }
  }

  private static void positive(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, was " + v);
    }
  }

  /**
   * Round 1 of self-evolution: terminal-guided, 8 rollouts, 5 candidates, depth 16, c = 2, error
   * threshold 2.
   */
  public static SearchConfig bootstrapRound() {
    return new SearchConfig(
        SearchMode.TERMINAL_GUIDED,
        8,
        16,
        5,
        2.0,
        2,
        UnvisitedScore.ZERO,
        TerminalMarking.LAZY,
        EmptyExpansion.FREEZE,
        1,
        0.0);
  }

  /** Round 2: terminal-guided with the round-1 policy, 16 rollouts, 12 candidates, threshold 1. */
  public static SearchConfig terminalGuidedRound() {
    return new SearchConfig(
        SearchMode.TERMINAL_GUIDED,
        16,
        16,
        12,
        2.0,
        1,
        UnvisitedScore.ZERO,
        TerminalMarking.LAZY,
        EmptyExpansion.FREEZE,
        1,
        0.0);
  }

  /** Rounds 3-4: PPM-augmented, 16 rollouts, 12 candidates, depth 16, c = 2, threshold 1. */
  public static SearchConfig ppmAugmentedRound() {
    return new SearchConfig(
        SearchMode.PPM_AUGMENTED,
        16,
        16,
        12,
        2.0,
        1,
        UnvisitedScore.ZERO,
        TerminalMarking.LAZY,
        EmptyExpansion.FREEZE,
        1,
        0.0);
  }

  /** Test time: no gold, PPM-scored answers, 16 rollouts, 32 candidates, threshold 1. */
  public static SearchConfig testTime() {
    return new SearchConfig(
        SearchMode.TEST_TIME,
        16,
        16,
        32,
        2.0,
        1,
        UnvisitedScore.ZERO,
        TerminalMarking.LAZY,
        EmptyExpansion.FREEZE,
        1,
        0.0);
  }

  /** The engine options this configuration implies. */
  public EngineOptions engineOptions() {
    return EngineOptions.reference(c, maxDepth).toBuilder()
        .rule(SelectionRule.uct(c, unvisitedScore))
        .terminalMarking(terminalMarking)
        .emptyExpansion(emptyExpansion)
        .virtualLoss(virtualLoss)
        .build();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builder for {@link SearchConfig}; every setter validates at once. */
  public static final class Builder {
    private SearchMode mode;
    private int rollouts;
    private int maxDepth;
    private int candidates;
    private double c;
    private int errorsThreshold;
    private UnvisitedScore unvisitedScore;
    private TerminalMarking terminalMarking;
    private EmptyExpansion emptyExpansion;
    private int rolloutsInFlight;
    private double virtualLoss;

    private Builder(SearchConfig s) {
      mode = s.mode;
      rollouts = s.rollouts;
      maxDepth = s.maxDepth;
      candidates = s.candidates;
      c = s.c;
      errorsThreshold = s.errorsThreshold;
      unvisitedScore = s.unvisitedScore;
      terminalMarking = s.terminalMarking;
      emptyExpansion = s.emptyExpansion;
      rolloutsInFlight = s.rolloutsInFlight;
      virtualLoss = s.virtualLoss;
    }

    /** The mode. */
    public Builder mode(SearchMode v) {
      mode = Objects.requireNonNull(v, "mode");
      return this;
    }

    /**
     * @throws IllegalArgumentException if below 1
     */
    public Builder rollouts(int v) {
      positive("rollouts", v);
      rollouts = v;
      return this;
    }

    /**
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxDepth(int v) {
      positive("maxDepth", v);
      maxDepth = v;
      return this;
    }

    /**
     * @throws IllegalArgumentException if below 1
     */
    public Builder candidates(int v) {
      positive("candidates", v);
      candidates = v;
      return this;
    }

    /**
     * @throws IllegalArgumentException if negative or not finite
     */
    public Builder c(double v) {
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("c must be finite and >= 0, was " + v);
      }
      c = v;
      return this;
    }

    /**
     * @throws IllegalArgumentException if below 1
     */
    public Builder errorsThreshold(int v) {
      positive("errorsThreshold", v);
      errorsThreshold = v;
      return this;
    }

    /** What an unvisited child scores. */
    public Builder unvisitedScore(UnvisitedScore v) {
      unvisitedScore = Objects.requireNonNull(v, "unvisitedScore");
      return this;
    }

    /** When all-terminal parents are marked. */
    public Builder terminalMarking(TerminalMarking v) {
      terminalMarking = Objects.requireNonNull(v, "terminalMarking");
      return this;
    }

    /** What an empty expansion does. */
    public Builder emptyExpansion(EmptyExpansion v) {
      emptyExpansion = Objects.requireNonNull(v, "emptyExpansion");
      return this;
    }

    /**
     * Rollouts of one tree in flight together (1 = the reference).
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder rolloutsInFlight(int v) {
      positive("rolloutsInFlight", v);
      rolloutsInFlight = v;
      return this;
    }

    /**
     * Virtual loss per in-flight rollout through a node.
     *
     * @throws IllegalArgumentException if negative or not finite
     */
    public Builder virtualLoss(double v) {
      checkVirtualLoss(v);
      virtualLoss = v;
      return this;
    }

    /** The configuration. */
    public SearchConfig build() {
      return new SearchConfig(
          mode,
          rollouts,
          maxDepth,
          candidates,
          c,
          errorsThreshold,
          unvisitedScore,
          terminalMarking,
          emptyExpansion,
          rolloutsInFlight,
          virtualLoss);
    }
  }
}
