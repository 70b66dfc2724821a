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

  /**
   * Topology packed per node (one cache line holds it): parent, first child, child count, depth.
   */
  private static final int PARENT = 0;

  private static final int FIRST = 1;
  private static final int COUNT = 2;
  private static final int DEPTH = 3;
  private static final int STRIDE = 4;

  private int size;
  private int capacity;
  private int[] topo;
  private int[] visits;
  private int[] inflight;
  private double[] valueSum;
  private double[] prior;
  private boolean[] terminal;
  private Object[] states;

  SearchTree(S rootState, int capacity) {
    int cap = Math.max(16, capacity);
    this.capacity = cap;
    topo = new int[cap * STRIDE];
    visits = new int[cap];
    inflight = new int[cap];
    valueSum = new double[cap];
    prior = new double[cap];
    terminal = new boolean[cap];
    states = new Object[cap];
    topo[PARENT] = NONE;
    topo[FIRST] = NONE;
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
    return topo[node * STRIDE + PARENT];
  }

  /** Depth: 0 for the root. */
  public int depth(int node) {
    check(node);
    return topo[node * STRIDE + DEPTH];
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
    return topo[node * STRIDE + COUNT];
  }

  /** The i-th child in creation order. */
  public int child(int node, int i) {
    check(node);
    if (i < 0 || i >= topo[node * STRIDE + COUNT]) {
      throw new IndexOutOfBoundsException("child " + i + " of node " + node);
    }
    return topo[node * STRIDE + FIRST] + i;
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
    return topo[n * STRIDE + PARENT];
  }

  int firstChildOf(int n) {
    return topo[n * STRIDE + FIRST];
  }

  int childCountOf(int n) {
    return topo[n * STRIDE + COUNT];
  }

  int depthOf(int n) {
    return topo[n * STRIDE + DEPTH];
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
    int d = topo[p * STRIDE + DEPTH] + 1;
    for (int i = 0; i < k; i++) {
      NewChild<S> c = children.get(i);
      int n = first + i;
      int t = n * STRIDE;
      topo[t + PARENT] = p;
      topo[t + FIRST] = NONE;
      topo[t + COUNT] = 0;
      topo[t + DEPTH] = d;
      visits[n] = 0;
      inflight[n] = 0;
      valueSum[n] = 0.0;
      prior[n] = c.prior();
      terminal[n] = c.terminal();
      states[n] = c.state();
    }
    if (k > 0) {
      topo[p * STRIDE + FIRST] = first;
      topo[p * STRIDE + COUNT] = k;
    }
    size += k;
    return first;
  }

  private void ensure(int cap) {
    if (cap <= capacity) {
      return;
    }
    int n = (int) Math.min(Integer.MAX_VALUE / STRIDE, Math.max(cap, capacity + (capacity >> 1)));
    if (n < cap) {
      throw new IllegalStateException("the tree cannot hold more than " + n + " nodes");
    }
    capacity = n;
    topo = Arrays.copyOf(topo, n * STRIDE);
    visits = Arrays.copyOf(visits, n);
    inflight = Arrays.copyOf(inflight, n);
    valueSum = Arrays.copyOf(valueSum, n);
    prior = Arrays.copyOf(prior, n);
    terminal = Arrays.copyOf(terminal, n);
    states = Arrays.copyOf(states, n);
  }
}
