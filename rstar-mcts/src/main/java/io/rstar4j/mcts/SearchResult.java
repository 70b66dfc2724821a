package io.rstar4j.mcts;

import io.rstar4j.core.Problem;
import io.rstar4j.core.Step;
import io.rstar4j.core.Trajectory;
import io.rstar4j.core.tree.ReasoningNode;
import io.rstar4j.core.tree.ReasoningTree;
import io.rstar4j.mcts.engine.SearchTree;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A finished reasoning search: its tree, answers and trajectories. The tree is exported as the
 * flat, immutable {@link ReasoningTree} that the JSON-lines codec ({@code ReasoningTrees}) writes
 * and data extraction reads.
 */
public final class SearchResult {
  private final Problem problem;
  private final SearchConfig config;
  private final SearchTree<RNode> tree;
  private ReasoningTree exported;

  SearchResult(Problem problem, SearchConfig config, SearchTree<RNode> tree) {
    this.problem = problem;
    this.config = config;
    this.tree = tree;
  }

  /** The problem searched. */
  public Problem problem() {
    return problem;
  }

  /** The configuration used. */
  public SearchConfig config() {
    return config;
  }

  /** Number of nodes, root included. */
  public int nodeCount() {
    return tree.size();
  }

  /**
   * The finished tree, flat and in depth-first pre-order: node texts, kinds, answers, N, W and
   * terminal flags, children in creation order.
   */
  public synchronized ReasoningTree tree() {
    if (exported == null) {
      exported = export();
    }
    return exported;
  }

  private ReasoningTree export() {
    List<ReasoningNode> nodes = new ArrayList<>(tree.size());
    // iterative pre-order over the engine's tree; each entry is {engine node, exported parent}
    Deque<int[]> work = new ArrayDeque<>();
    work.push(new int[] {tree.root(), -1});
    while (!work.isEmpty()) {
      int[] w = work.pop();
      int n = w[0];
      RNode s = tree.state(n);
      nodes.add(
          new ReasoningNode(
              w[1],
              s.text,
              s.kind,
              Optional.ofNullable(s.answer),
              tree.visits(n),
              tree.valueSum(n),
              tree.terminal(n)));
      int index = nodes.size() - 1;
      for (int i = tree.childCount(n) - 1; i >= 0; i--) {
        work.push(new int[] {tree.child(n, i), index});
      }
    }
    return ReasoningTree.of(problem, nodes);
  }

  /** Every answer leaf in depth-first pre-order, scored by its Q. */
  public List<ScoredAnswer> answers() {
    List<ScoredAnswer> out = new ArrayList<>();
    for (ScoredTrajectory t : trajectories()) {
      t.answer().ifPresent(a -> out.add(new ScoredAnswer(a, t.leafQ())));
    }
    return out;
  }

  /** The answer with the highest score (the first on ties), if the search found any. */
  public Optional<ScoredAnswer> bestAnswer() {
    return AnswerSelection.highestScore(answers());
  }

  /**
   * Every root-to-leaf path in depth-first pre-order (children in creation order), with each step's
   * Q. A root without children gives none.
   */
  public List<ScoredTrajectory> trajectories() {
    List<ScoredTrajectory> out = new ArrayList<>();
    if (tree.childCount(tree.root()) == 0) {
      return out;
    }
    List<Integer> path = new ArrayList<>();
    walk(tree.root(), path, out);
    return out;
  }

  private void walk(int n, List<Integer> path, List<ScoredTrajectory> out) {
    int k = tree.childCount(n);
    if (k == 0) {
      List<Step> steps = new ArrayList<>(path.size());
      List<String> texts = new ArrayList<>(path.size());
      List<Double> q = new ArrayList<>(path.size());
      for (int m : path) {
        RNode s = tree.state(m);
        steps.add(s.step);
        texts.add(s.text);
        q.add(tree.q(m));
      }
      RNode leaf = tree.state(n);
      out.add(
          new ScoredTrajectory(
              new Trajectory(steps), texts, q, leaf.kind, Optional.ofNullable(leaf.answer)));
      return;
    }
    for (int i = 0; i < k; i++) {
      int c = tree.child(n, i);
      path.add(c);
      walk(c, path, out);
      path.remove(path.size() - 1);
    }
  }
}
