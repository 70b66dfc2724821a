package io.rstar4j.mcts;

import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.SetOnce;
import io.rstar4j.mcts.engine.EngineOptions;
import java.util.Objects;

/**
 * Configuration of rStar's reasoning search: what the reasoning layer adds to the generic engine
 * (the mode, how many rollouts and candidates, the error threshold, how many rollouts advance
 * together) and the engine's own {@link EngineOptions} (depth limit, selection rule with its
 * exploration constant, terminal marking, empty expansions, virtual loss), held as they are.
 *
 * <p>The presets mirror the reference: {@link #bootstrapRound()}, {@link #terminalGuidedRound()},
 * {@link #ppmAugmentedRound()}, {@link #testTime()}; each is written through the builder, on {@link
 * EngineOptions#reference(double, int) the reference's engine} (UCT with c = 2, depth 16).
 *
 * @param mode terminal-guided, PPM-augmented or test-time
 * @param rollouts rollouts per problem, >= 1
 * @param candidates n, candidates the policy samples per expansion, >= 1
 * @param errorsThreshold consecutive code errors that make a node terminal (2 in the bootstrap
 *     round, 1 later), >= 1
 * @param rolloutsInFlight rollouts of one tree advanced together in each lock-step round (the
 *     reference: 1); more give bigger batches for few problems, and are steered apart by the
 *     engine's virtual loss
 * @param engine how the engine searches; its {@code maxDepth} is also the reasoning depth limit (a
 *     new non-terminal node deeper than it is a terminal with -1 on itself)
 */
public record SearchConfig(
    SearchMode mode,
    int rollouts,
    int candidates,
    int errorsThreshold,
    int rolloutsInFlight,
    EngineOptions engine) {

  /**
   * Validates.
   *
   * @throws IllegalArgumentException with a message naming the field for any count below 1
   * @throws NullPointerException if mode or engine is null
   */
  public SearchConfig {
    Objects.requireNonNull(mode, "mode");
    rollouts = checkRollouts(rollouts);
    candidates = checkCandidates(candidates);
    errorsThreshold = checkErrorsThreshold(errorsThreshold);
    rolloutsInFlight = checkRolloutsInFlight(rolloutsInFlight);
    Objects.requireNonNull(engine, "engine");
  }

  /**
   * Round 1 of self-evolution: terminal-guided, 8 rollouts, 5 candidates, error threshold 2, the
   * reference's engine (depth 16, c = 2).
   */
  public static SearchConfig bootstrapRound() {
    return builder()
        .mode(SearchMode.TERMINAL_GUIDED)
        .rollouts(8)
        .candidates(5)
        .errorsThreshold(2)
        .build();
  }

  /** Round 2: terminal-guided with the round-1 policy, 16 rollouts, 12 candidates, threshold 1. */
  public static SearchConfig terminalGuidedRound() {
    return builder()
        .mode(SearchMode.TERMINAL_GUIDED)
        .rollouts(16)
        .candidates(12)
        .errorsThreshold(1)
        .build();
  }

  /** Rounds 3-4: PPM-augmented, 16 rollouts, 12 candidates, threshold 1. */
  public static SearchConfig ppmAugmentedRound() {
    return builder()
        .mode(SearchMode.PPM_AUGMENTED)
        .rollouts(16)
        .candidates(12)
        .errorsThreshold(1)
        .build();
  }

  /** Test time: no gold, PPM-scored answers, 16 rollouts, 32 candidates, threshold 1. */
  public static SearchConfig testTime() {
    return builder()
        .mode(SearchMode.TEST_TIME)
        .rollouts(16)
        .candidates(32)
        .errorsThreshold(1)
        .build();
  }

  /**
   * A builder. The mode is required; the rest default to 16 rollouts, 12 candidates, error
   * threshold 1, one rollout in flight per tree and {@link EngineOptions#builder() the reference's
   * engine}.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration (none of its values counts as set). */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.mode = mode;
    b.rollouts = rollouts;
    b.candidates = candidates;
    b.errorsThreshold = errorsThreshold;
    b.rolloutsInFlight = rolloutsInFlight;
    b.engine = engine;
    return b;
  }

  // Each check is written once: the setters fail fast with it and the constructor applies it.

  private static int checkRollouts(int v) {
    return Checks.positive("rollouts", v);
  }

  private static int checkCandidates(int v) {
    return Checks.positive("candidates", v);
  }

  private static int checkErrorsThreshold(int v) {
    return Checks.positive("errorsThreshold", v);
  }

  private static int checkRolloutsInFlight(int v) {
    return Checks.positive("rolloutsInFlight", v);
  }

  /**
   * Builder of {@link SearchConfig}: every setter validates at once, and setting an option twice
   * fails ("rollouts was already set").
   */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private SearchMode mode;
    private int rollouts = 16;
    private int candidates = 12;
    private int errorsThreshold = 1;
    private int rolloutsInFlight = 1;
    private EngineOptions engine = EngineOptions.builder().build();

    private Builder() {}

    /**
     * The mode (required).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder mode(SearchMode v) {
      set.mark("mode");
      mode = Objects.requireNonNull(v, "mode");
      return this;
    }

    /**
     * Rollouts per problem.
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder rollouts(int v) {
      set.mark("rollouts");
      rollouts = checkRollouts(v);
      return this;
    }

    /**
     * Candidates the policy samples per expansion.
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder candidates(int v) {
      set.mark("candidates");
      candidates = checkCandidates(v);
      return this;
    }

    /**
     * Consecutive code errors that make a node terminal.
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder errorsThreshold(int v) {
      set.mark("errorsThreshold");
      errorsThreshold = checkErrorsThreshold(v);
      return this;
    }

    /**
     * Rollouts of one tree in flight together (1 = the reference).
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder rolloutsInFlight(int v) {
      set.mark("rolloutsInFlight");
      rolloutsInFlight = checkRolloutsInFlight(v);
      return this;
    }

    /**
     * The engine's options: depth limit, selection rule, terminal marking, empty expansions,
     * virtual loss. Start from the current ones with {@code config.engine().toBuilder()}.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder engine(EngineOptions v) {
      set.mark("engine");
      engine = Objects.requireNonNull(v, "engine");
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalStateException if no mode was given
     */
    public SearchConfig build() {
      if (mode == null) {
        throw new IllegalStateException("mode is required");
      }
      return new SearchConfig(
          mode, rollouts, candidates, errorsThreshold, rolloutsInFlight, engine);
    }
  }
}
