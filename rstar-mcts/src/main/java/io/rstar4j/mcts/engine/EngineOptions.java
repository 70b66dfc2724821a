package io.rstar4j.mcts.engine;

import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.SetOnce;
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
    maxDepth = checkMaxDepth(maxDepth);
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(terminalMarking, "terminalMarking");
    Objects.requireNonNull(emptyExpansion, "emptyExpansion");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(backup, "backup");
    virtualLoss = checkVirtualLoss(virtualLoss);
  }

  /**
   * The reference's behaviour: UCT with the given c, unvisited = 0, lazy marking, freezing.
   *
   * @throws IllegalArgumentException if c is negative or not finite, or maxDepth is below 1
   */
  public static EngineOptions reference(double c, int maxDepth) {
    return builder().rule(SelectionRule.uct(c)).maxDepth(maxDepth).build();
  }

  /**
   * A builder with the reference's values: depth 16, UCT with c = 2 (unvisited children score 0),
   * lazy terminal marking, freezing empty expansions, deep rollouts, terminals skipped,
   * single-agent backup, no virtual loss, ties to the first child.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options (none of them counts as set). */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxDepth = maxDepth;
    b.rule = rule;
    b.terminalMarking = terminalMarking;
    b.emptyExpansion = emptyExpansion;
    b.shape = shape;
    b.revisitTerminals = revisitTerminals;
    b.backup = backup;
    b.virtualLoss = virtualLoss;
    b.randomTies = randomTies;
    b.seed = seed;
    return b;
  }

  // Each check is written once: the setters fail fast with it and the constructor applies it.

  private static int checkMaxDepth(int v) {
    return Checks.positive("maxDepth", v);
  }

  private static double checkVirtualLoss(double v) {
    return Checks.finiteNonNegative("virtualLoss", v);
  }

  /**
   * Builder of {@link EngineOptions}: every setter validates at once, and setting an option twice
   * fails ("maxDepth was already set").
   */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private int maxDepth = 16;
    private SelectionRule rule = SelectionRule.uct(2.0);
    private TerminalMarking terminalMarking = TerminalMarking.LAZY;
    private EmptyExpansion emptyExpansion = EmptyExpansion.FREEZE;
    private RolloutShape shape = RolloutShape.DEEP;
    private boolean revisitTerminals;
    private Backup backup = Backup.SINGLE_AGENT;
    private double virtualLoss;
    private boolean randomTies;
    private long seed;

    private Builder() {}

    /**
     * How many levels one rollout may go down.
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder maxDepth(int v) {
      set.mark("maxDepth");
      maxDepth = checkMaxDepth(v);
      return this;
    }

    /**
     * The selection rule.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder rule(SelectionRule v) {
      set.mark("rule");
      rule = Objects.requireNonNull(v, "rule");
      return this;
    }

    /**
     * When all-terminal parents become terminal.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder terminalMarking(TerminalMarking v) {
      set.mark("terminalMarking");
      terminalMarking = Objects.requireNonNull(v, "terminalMarking");
      return this;
    }

    /**
     * What an empty expansion does.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder emptyExpansion(EmptyExpansion v) {
      set.mark("emptyExpansion");
      emptyExpansion = Objects.requireNonNull(v, "emptyExpansion");
      return this;
    }

    /**
     * How far a rollout goes.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder shape(RolloutShape v) {
      set.mark("shape");
      shape = Objects.requireNonNull(v, "shape");
      return this;
    }

    /**
     * Whether terminal children stay selectable.
     *
     * @throws IllegalStateException if already set
     */
    public Builder revisitTerminals(boolean v) {
      set.mark("revisitTerminals");
      revisitTerminals = v;
      return this;
    }

    /**
     * Single-agent or negamax backup.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder backup(Backup v) {
      set.mark("backup");
      backup = Objects.requireNonNull(v, "backup");
      return this;
    }

    /**
     * The virtual loss per in-flight rollout through a node (0 = off).
     *
     * @throws IllegalArgumentException if negative or not finite
     * @throws IllegalStateException if already set
     */
    public Builder virtualLoss(double v) {
      set.mark("virtualLoss");
      virtualLoss = checkVirtualLoss(v);
      return this;
    }

    /**
     * Random (seeded) tie-breaking instead of the first child.
     *
     * @throws IllegalStateException if already set
     */
    public Builder randomTies(boolean v, long seed) {
      set.mark("randomTies");
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
