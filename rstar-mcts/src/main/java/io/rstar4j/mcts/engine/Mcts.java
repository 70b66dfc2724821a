package io.rstar4j.mcts.engine;

import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A Monte Carlo Tree Search over any state space: one {@link SearchTree}, rollouts that select,
 * expand and back values up following {@link EngineOptions}. Each rollout costs O(depth x
 * branching): no work proportional to the tree's size.
 *
 * <p>Rollouts are driven either synchronously by {@link #run(StateSpace, int)}, or step by step
 * through {@link #startRollout()}: a {@link Rollout} stops whenever it needs an expansion (or, with
 * {@link EngineOptions#revisitTerminals()}, an evaluation), so that the caller can gather the
 * expansions of many rollouts and trees into one batch. Several rollouts may be in flight on one
 * tree at the same time; a positive {@link EngineOptions#virtualLoss()} steers them apart. Not
 * thread-safe: drive one tree from one thread at a time.
 *
 * <p>The reference's step, in the words of its golden-tree semantics: {@code step(n)} returns n
 * itself when n is childless and not terminal; otherwise the best selectable child, or none after
 * marking n terminal when it has no selectable child.
 *
 * @param <S> the state type
 */
public final class Mcts<S> {
  private final SearchTree<S> tree;
  private final EngineOptions options;
  private final SelectionRule rule;
  private final SplittableRandom random;
  private long rolloutsCompleted;

  /**
   * A search from a root state.
   *
   * @throws NullPointerException if options is null
   */
  public Mcts(S rootState, EngineOptions options) {
    this(rootState, options, 64);
  }

  /**
   * A search from a root state with room for {@code capacity} nodes before growing.
   *
   * @throws NullPointerException if options is null
   */
  public Mcts(S rootState, EngineOptions options, int capacity) {
    this.options = Objects.requireNonNull(options, "options");
    this.tree = new SearchTree<>(rootState, capacity);
    this.rule = options.rule();
    this.random = options.randomTies() ? new SplittableRandom(options.seed()) : null;
  }

  /** The tree (read-only view). */
  public SearchTree<S> tree() {
    return tree;
  }

  /** The options. */
  public EngineOptions options() {
    return options;
  }

  /** Rollouts finished so far. */
  public long rolloutsCompleted() {
    return rolloutsCompleted;
  }

  /** Starts a rollout; it runs until it needs an expansion or an evaluation, or is done. */
  public Rollout<S> startRollout() {
    return new Rollout<>(this);
  }

  /**
   * Runs rollouts synchronously, expanding with the state space.
   *
   * @return the number of expansions made
   * @throws IllegalArgumentException if rollouts is negative
   */
  public long run(StateSpace<S> space, int rollouts) {
    if (rollouts < 0) {
      throw new IllegalArgumentException("rollouts must be >= 0, was " + rollouts);
    }
    long expansions = 0;
    for (int r = 0; r < rollouts; r++) {
      Rollout<S> ro = startRollout();
      while (!ro.isDone()) {
        int n = ro.node();
        if (ro.status() == Rollout.Status.NEEDS_EXPANSION) {
          ro.expand(space.expand(tree.state(n), tree.depthOf(n)));
          expansions++;
        } else {
          ro.evaluate(space.evaluate(tree.state(n)));
        }
      }
    }
    return expansions;
  }

  /**
   * The best selectable child of p: among its non-terminal children (all children with {@link
   * EngineOptions#revisitTerminals()}), in creation order, the first with the maximal score.
   *
   * @return the child, or {@link SearchTree#NONE}
   */
  public int bestChild(int p) {
    int k = tree.childCountOf(p);
    if (k == 0) {
      return SearchTree.NONE;
    }
    int first = tree.firstChildOf(p);
    boolean revisit = options.revisitTerminals();
    double vl = options.virtualLoss();
    double np = tree.visitsOf(p);
    if (vl > 0) {
      np += tree.inflightOf(p);
    }
    Uct uct = rule instanceof Uct ? (Uct) rule : null;
    double lnp = uct != null && np > 0 ? Math.log(np) : 0.0;
    int best = SearchTree.NONE;
    double bestScore = 0;
    int ties = 0;
    for (int c = first; c < first + k; c++) {
      if (!revisit && tree.isTerminal(c)) {
        continue;
      }
      double nc = tree.visitsOf(c);
      double w = tree.valueSumOf(c);
      if (vl > 0) {
        int f = tree.inflightOf(c);
        nc += f;
        w -= vl * f;
      }
      double s =
          uct != null ? uct.fastScore(np, lnp, nc, w) : rule.score(np, nc, w, tree.priorOf(c));
      if (best == SearchTree.NONE || s > bestScore) {
        best = c;
        bestScore = s;
        ties = 1;
      } else if (random != null && s == bestScore) {
        ties++;
        if (random.nextInt(ties) == 0) {
          best = c;
        }
      }
    }
    return best;
  }

  /** The reference's step function (see the class comment). */
  int step(int n) {
    if (tree.childCountOf(n) > 0 || tree.isTerminal(n)) {
      int c = bestChild(n);
      if (c == SearchTree.NONE) {
        markTerminal(n);
      }
      return c;
    }
    return n;
  }

  /**
   * Marks n terminal; with eager marking, also every ancestor whose children are now all terminal.
   */
  void markTerminal(int n) {
    tree.setTerminal(n);
    if (options.terminalMarking() == EngineOptions.TerminalMarking.EAGER) {
      int p = tree.parentOf(n);
      while (p != SearchTree.NONE && !tree.isTerminal(p) && allChildrenTerminal(p)) {
        tree.setTerminal(p);
        p = tree.parentOf(p);
      }
    }
  }

  boolean allChildrenTerminal(int p) {
    int first = tree.firstChildOf(p);
    int k = tree.childCountOf(p);
    for (int c = first; c < first + k; c++) {
      if (!tree.isTerminal(c)) {
        return false;
      }
    }
    return k > 0;
  }

  /** update(x) on n and every ancestor (negating at each level for negamax). */
  void backprop(int n, double x) {
    boolean negamax = options.backup() == EngineOptions.Backup.NEGAMAX;
    for (int m = n; m != SearchTree.NONE; m = tree.parentOf(m)) {
      tree.update(m, x);
      if (negamax) {
        x = -x;
      }
    }
  }

  /** Creates p's children and applies their initial values in order. */
  void expand(int p, List<NewChild<S>> children) {
    if (tree.childCountOf(p) > 0 || tree.isTerminal(p)) {
      return; // expanded meanwhile by another in-flight rollout
    }
    int first = tree.addChildren(p, children);
    boolean anyTerminal = false;
    for (int i = 0; i < children.size(); i++) {
      NewChild<S> c = children.get(i);
      int n = first + i;
      anyTerminal |= c.terminal();
      switch (c.update()) {
        case SELF:
          tree.update(n, c.value());
          break;
        case BACKPROP:
          backprop(n, c.value());
          break;
        default:
          break;
      }
    }
    if (children.isEmpty()) {
      if (options.emptyExpansion() == EngineOptions.EmptyExpansion.TERMINATE) {
        markTerminal(p);
      }
    } else if (anyTerminal
        && options.terminalMarking() == EngineOptions.TerminalMarking.EAGER
        && allChildrenTerminal(p)) {
      markTerminal(p);
    }
  }

  void rolloutFinished() {
    rolloutsCompleted++;
  }
}
