package io.rstar4j.mcts.engine;

import java.util.Arrays;
import java.util.List;

/**
 * One rollout in progress, following the reference's loop: {@code cur = step(root)}; then at most
 * {@code maxDepth} times: stop if cur is none, terminal or deeper than maxDepth; if cur has no
 * children, expand it; {@code cur = step(cur)}.
 *
 * <p>The rollout pauses with {@link Status#NEEDS_EXPANSION} at each childless node: call {@link
 * #expand(List)} with its children (possibly none) to go on. With {@link
 * EngineOptions#revisitTerminals()} it may pause with {@link Status#NEEDS_EVALUATION} at a terminal
 * node: call {@link #evaluate(double)}.
 *
 * @param <S> the state type
 */
public final class Rollout<S> {

  /** Where a rollout stands. */
  public enum Status {
    /** {@link #node()} needs its children: call {@link #expand(List)}. */
    NEEDS_EXPANSION,
    /** {@link #node()} is a terminal reached again: call {@link #evaluate(double)}. */
    NEEDS_EVALUATION,
    /** The rollout is over. */
    DONE
  }

  private final Mcts<S> mcts;
  private final SearchTree<S> tree;
  private final int maxDepth;
  private final boolean tracksPath;
  private int[] path;
  private int pathLength;
  private int cur;
  private int left;
  private Status status;

  Rollout(Mcts<S> mcts) {
    this.mcts = mcts;
    this.tree = mcts.tree();
    this.maxDepth = mcts.options().maxDepth();
    this.tracksPath = mcts.options().virtualLoss() > 0;
    if (tracksPath) {
      path = new int[8];
      enter(tree.root());
    }
    this.left = maxDepth;
    moveTo(mcts.step(tree.root()));
    advance();
  }

  /** The current status. */
  public Status status() {
    return status;
  }

  /** Whether the rollout is over. */
  public boolean isDone() {
    return status == Status.DONE;
  }

  /**
   * The node that needs an expansion or evaluation.
   *
   * @throws IllegalStateException when the rollout is done
   */
  public int node() {
    if (status == Status.DONE) {
      throw new IllegalStateException("the rollout is done");
    }
    return cur;
  }

  /**
   * Gives the pending node its children (in order, with their initial values) and goes on. If
   * another rollout expanded the node meanwhile, the given children are ignored.
   *
   * @throws IllegalStateException unless the status is {@link Status#NEEDS_EXPANSION}
   */
  public void expand(List<NewChild<S>> children) {
    if (status != Status.NEEDS_EXPANSION) {
      throw new IllegalStateException("no expansion pending (status " + status + ")");
    }
    mcts.expand(cur, children);
    if (mcts.options().shape() == EngineOptions.RolloutShape.SINGLE_EXPANSION) {
      finish();
      return;
    }
    moveTo(mcts.step(cur));
    left--;
    advance();
  }

  /**
   * Backs the value of a terminal node reached again up to the root and ends the rollout.
   *
   * @throws IllegalStateException unless the status is {@link Status#NEEDS_EVALUATION}
   */
  public void evaluate(double value) {
    if (status != Status.NEEDS_EVALUATION) {
      throw new IllegalStateException("no evaluation pending (status " + status + ")");
    }
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("value must be finite, was " + value);
    }
    mcts.backprop(cur, value);
    finish();
  }

  private void advance() {
    while (true) {
      if (cur == SearchTree.NONE) {
        finish();
        return;
      }
      if (tree.isTerminal(cur)) {
        if (mcts.options().revisitTerminals() && cur != tree.root()) {
          status = Status.NEEDS_EVALUATION;
        } else {
          finish();
        }
        return;
      }
      if (left <= 0 || tree.depthOf(cur) > maxDepth) {
        finish();
        return;
      }
      if (tree.childCountOf(cur) == 0) {
        status = Status.NEEDS_EXPANSION;
        return;
      }
      moveTo(mcts.step(cur));
      left--;
    }
  }

  private void moveTo(int n) {
    if (tracksPath && n != SearchTree.NONE && n != cur) {
      enter(n);
    }
    cur = n;
  }

  private void enter(int n) {
    if (pathLength == path.length) {
      path = Arrays.copyOf(path, pathLength * 2);
    }
    path[pathLength++] = n;
    tree.addInflight(n, 1);
  }

  private void finish() {
    if (status == Status.DONE) {
      return;
    }
    status = Status.DONE;
    if (tracksPath) {
      for (int i = 0; i < pathLength; i++) {
        tree.addInflight(path[i], -1);
      }
      pathLength = 0;
    }
    mcts.rolloutFinished();
  }
}
