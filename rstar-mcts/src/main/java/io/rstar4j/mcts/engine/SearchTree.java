package io.rstar4j.mcts.engine;

import java.util.Arrays;
import java.util.List;

/**
 * The tree of a search, stored as parallel arrays (struct of arrays): node {@code 0} is the root,
 * nodes are numbered in creation order, and the children of a node are consecutive. Read access is
 * public; only {@link Mcts} and its {@link Rollout}s change it. Not thread-safe.
 *
 * @param <S> the state type
 */
public final class SearchTree<S> {
  /** No node. */
  public static final int NONE = -1;

  private int size;
  private int[] parent;
  private int[] firstChild;
  private int[] childCount;
  private int[] depth;
  private int[] visits;
  private int[] inflight;
  private double[] valueSum;
  private double[] prior;
  private boolean[] terminal;
  private Object[] states;

  SearchTree(S rootState, int capacity) {
    int cap = Math.max(16, capacity);
    parent = new int[cap];
    firstChild = new int[cap];
    childCount = new int[cap];
    depth = new int[cap];
    visits = new int[cap];
    inflight = new int[cap];
    valueSum = new double[cap];
    prior = new double[cap];
    terminal = new boolean[cap];
    states = new Object[cap];
    parent[0] = NONE;
    firstChild[0] = NONE;
    prior[0] = 1.0;
    states[0] = rootState;
    size = 1;
  }

  /** The root node, always 0. */
  public int root() {
    return 0;
  }

  /** Number of nodes. */
  public int size() {
    return size;
  }

  /** The state of a node. */
  @SuppressWarnings("unchecked")
  public S state(int node) {
    check(node);
    return (S) states[node];
  }

  /** The parent, or {@link #NONE} for the root. */
  public int parent(int node) {
    check(node);
    return parent[node];
  }

  /** Depth: 0 for the root. */
  public int depth(int node) {
    check(node);
    return depth[node];
  }

  /** Visit count N. */
  public int visits(int node) {
    check(node);
    return visits[node];
  }

  /** Value sum W. */
  public double valueSum(int node) {
    check(node);
    return valueSum[node];
  }

  /** Q = W / N, 0 when N = 0. */
  public double q(int node) {
    check(node);
    return Selection.q(visits[node], valueSum[node]);
  }

  /** The prior given at creation (1 unless set). */
  public double prior(int node) {
    check(node);
    return prior[node];
  }

  /** The terminal flag. */
  public boolean terminal(int node) {
    check(node);
    return terminal[node];
  }

  /** Number of children (0 when not expanded). */
  public int childCount(int node) {
    check(node);
    return childCount[node];
  }

  /** The i-th child in creation order. */
  public int child(int node, int i) {
    check(node);
    if (i < 0 || i >= childCount[node]) {
      throw new IndexOutOfBoundsException("child " + i + " of node " + node);
    }
    return firstChild[node] + i;
  }

  /** Rollouts currently in flight through this node (virtual loss). */
  public int inflight(int node) {
    check(node);
    return inflight[node];
  }

  private void check(int node) {
    if (node < 0 || node >= size) {
      throw new IndexOutOfBoundsException("node " + node + " of " + size);
    }
  }

  // ---- package-private, unchecked: the engine's hot paths ----

  int parentOf(int n) {
    return parent[n];
  }

  int firstChildOf(int n) {
    return firstChild[n];
  }

  int childCountOf(int n) {
    return childCount[n];
  }

  int depthOf(int n) {
    return depth[n];
  }

  int visitsOf(int n) {
    return visits[n];
  }

  int inflightOf(int n) {
    return inflight[n];
  }

  double valueSumOf(int n) {
    return valueSum[n];
  }

  double priorOf(int n) {
    return prior[n];
  }

  boolean isTerminal(int n) {
    return terminal[n];
  }

  void setTerminal(int n) {
    terminal[n] = true;
  }

  void addInflight(int n, int d) {
    inflight[n] += d;
  }

  /** N += 1, W += x on one node. */
  void update(int n, double x) {
    visits[n]++;
    valueSum[n] += x;
  }

  /** Appends children to a childless node; returns the first new index. */
  int addChildren(int p, List<NewChild<S>> children) {
    int k = children.size();
    ensure(size + k);
    int first = size;
    int d = depth[p] + 1;
    for (int i = 0; i < k; i++) {
      NewChild<S> c = children.get(i);
      int n = first + i;
      parent[n] = p;
      firstChild[n] = NONE;
      childCount[n] = 0;
      depth[n] = d;
      visits[n] = 0;
      inflight[n] = 0;
      valueSum[n] = 0.0;
      prior[n] = c.prior();
      terminal[n] = c.terminal();
      states[n] = c.state();
    }
    if (k > 0) {
      firstChild[p] = first;
      childCount[p] = k;
    }
    size += k;
    return first;
  }

  private void ensure(int cap) {
    if (cap <= parent.length) {
      return;
    }
    int n = Math.max(cap, parent.length + (parent.length >> 1));
    parent = Arrays.copyOf(parent, n);
    firstChild = Arrays.copyOf(firstChild, n);
    childCount = Arrays.copyOf(childCount, n);
    depth = Arrays.copyOf(depth, n);
    visits = Arrays.copyOf(visits, n);
    inflight = Arrays.copyOf(inflight, n);
    valueSum = Arrays.copyOf(valueSum, n);
    prior = Arrays.copyOf(prior, n);
    terminal = Arrays.copyOf(terminal, n);
    states = Arrays.copyOf(states, n);
  }
}
