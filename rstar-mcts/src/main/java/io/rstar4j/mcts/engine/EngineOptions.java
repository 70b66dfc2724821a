package io.rstar4j.mcts.engine;

import java.util.Objects;

/**
 * How the engine searches. {@link #reference(double, int)} gives the rStar-Math reference
 * behaviour; every other value is a named option.
 *
 * @param maxDepth how many levels one rollout may go down (the reference's loop bound, 16)
 * @param rule how children are scored
 * @param terminalMarking when a node whose children are all terminal becomes terminal
 * @param emptyExpansion what happens to a node whose expansion produced no child
 * @param shape how far one rollout goes
 * @param revisitTerminals whether terminal children stay selectable (classic MCTS: reaching one
 *     re-evaluates it and backs the value up) instead of being skipped (the reference)
 * @param backup single-agent (every ancestor gets the same value) or two-player (negamax)
 * @param virtualLoss the virtual loss per in-flight rollout through a node (0 = off)
 * @param randomTies break exact score ties at random (seeded) instead of taking the first child
 * @param seed the seed for random tie-breaking
 */
public record EngineOptions(
    int maxDepth,
    SelectionRule rule,
    TerminalMarking terminalMarking,
    EmptyExpansion emptyExpansion,
    RolloutShape shape,
    boolean revisitTerminals,
    Backup backup,
    double virtualLoss,
    boolean randomTies,
    long seed) {

  /** When a node whose children are all terminal is marked terminal. */
  public enum TerminalMarking {
    /** The reference: only when a rollout steps into that node (lazily). */
    LAZY,
    /** As soon as its last child becomes terminal, transitively up to the root. */
    EAGER
  }

  /** What happens to a node whose expansion yields no child. */
  public enum EmptyExpansion {
    /**
     * The reference: it stays childless and non-terminal; it is re-expanded on every remaining step
     * of the rollout and every later rollout takes the same path (the search freezes).
     */
    FREEZE,
    /** It becomes terminal (a dead end), so later rollouts go elsewhere. */
    TERMINATE
  }

  /** How far one rollout goes. */
  public enum RolloutShape {
    /** The reference: keep selecting and expanding level after level, up to maxDepth levels. */
    DEEP,
    /** Classic MCTS: a rollout ends right after its first expansion. */
    SINGLE_EXPANSION
  }

  /** How a value travels up the tree. */
  public enum Backup {
    /** Every ancestor receives the same value (one agent, the reference). */
    SINGLE_AGENT,
    /** The sign flips at every level (two-player zero-sum games). */
    NEGAMAX
  }

  /**
   * Validates.
   *
   * @throws IllegalArgumentException if {@code maxDepth < 1} or virtualLoss is negative or not
   *     finite
   * @throws NullPointerException if any enum or the rule is null
   */
  public EngineOptions {
    if (maxDepth < 1) {
      throw new IllegalArgumentException("maxDepth must be >= 1, was " + maxDepth);
    }
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(terminalMarking, "terminalMarking");
    Objects.requireNonNull(emptyExpansion, "emptyExpansion");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(backup, "backup");
    if (!(virtualLoss >= 0) || Double.isInfinite(virtualLoss)) {
      throw new IllegalArgumentException("virtualLoss must be finite and >= 0, was " + virtualLoss);
    }
  }

  /** The reference's behaviour: UCT with the given c, unvisited = 0, lazy marking, freezing. */
  public static EngineOptions reference(double c, int maxDepth) {
    return new EngineOptions(
        maxDepth,
        SelectionRule.uct(c),
        TerminalMarking.LAZY,
        EmptyExpansion.FREEZE,
        RolloutShape.DEEP,
        false,
        Backup.SINGLE_AGENT,
        0.0,
        false,
        0L);
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Builds options from {@link #reference(double, int) reference(2.0, 16)}; setters validate at
   * once.
   */
  public static Builder builder() {
    return new Builder(reference(2.0, 16));
  }

  /** Builder for {@link EngineOptions}. Every setter validates its argument immediately. */
  public static final class Builder {
    private int maxDepth;
    private SelectionRule rule;
    private TerminalMarking terminalMarking;
    private EmptyExpansion emptyExpansion;
    private RolloutShape shape;
    private boolean revisitTerminals;
    private Backup backup;
    private double virtualLoss;
    private boolean randomTies;
    private long seed;

    private Builder(EngineOptions o) {
      maxDepth = o.maxDepth;
      rule = o.rule;
      terminalMarking = o.terminalMarking;
      emptyExpansion = o.emptyExpansion;
      shape = o.shape;
      revisitTerminals = o.revisitTerminals;
      backup = o.backup;
      virtualLoss = o.virtualLoss;
      randomTies = o.randomTies;
      seed = o.seed;
    }

    /**
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxDepth(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("maxDepth must be >= 1, was " + v);
      }
      maxDepth = v;
      return this;
    }

    /** The selection rule. */
    public Builder rule(SelectionRule v) {
      rule = Objects.requireNonNull(v, "rule");
      return this;
    }

    /** When all-terminal parents become terminal. */
    public Builder terminalMarking(TerminalMarking v) {
      terminalMarking = Objects.requireNonNull(v, "terminalMarking");
      return this;
    }

    /** What an empty expansion does. */
    public Builder emptyExpansion(EmptyExpansion v) {
      emptyExpansion = Objects.requireNonNull(v, "emptyExpansion");
      return this;
    }

    /** How far a rollout goes. */
    public Builder shape(RolloutShape v) {
      shape = Objects.requireNonNull(v, "shape");
      return this;
    }

    /** Whether terminal children stay selectable. */
    public Builder revisitTerminals(boolean v) {
      revisitTerminals = v;
      return this;
    }

    /** Single-agent or negamax backup. */
    public Builder backup(Backup v) {
      backup = Objects.requireNonNull(v, "backup");
      return this;
    }

    /**
     * @throws IllegalArgumentException if negative or not finite
     */
    public Builder virtualLoss(double v) {
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("virtualLoss must be finite and >= 0, was " + v);
      }
      virtualLoss = v;
      return this;
    }

    /** Random (seeded) tie-breaking instead of the first child. */
    public Builder randomTies(boolean v, long seed) {
      randomTies = v;
      this.seed = seed;
      return this;
    }

    /** The options. */
    public EngineOptions build() {
      return new EngineOptions(
          maxDepth,
          rule,
          terminalMarking,
          emptyExpansion,
          shape,
          revisitTerminals,
          backup,
          virtualLoss,
          randomTies,
          seed);
    }
  }
}
