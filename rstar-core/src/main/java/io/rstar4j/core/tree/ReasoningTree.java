package io.rstar4j.core.tree;

import io.rstar4j.core.Problem;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A finished search tree with its problem, as saved for data extraction: one flat, immutable list
 * of {@link ReasoningNode}s in depth-first pre-order (node 0 is the root; a node's children follow
 * it in creation order, each with its subtree), each node naming its parent's index. No recursion
 * anywhere: navigation is by index ({@link #childCount}, {@link #child}, {@link #parent}).
 *
 * <p>The one shape of a saved tree: the search exports it, {@link ReasoningTrees} writes and reads
 * it as one JSON object per line, and data extraction reads it.
 */
public final class ReasoningTree {
  private final Problem problem;
  private final List<ReasoningNode> nodes;

  /** Children of node i: {@code children[start[i]] .. children[start[i + 1] - 1]}. */
  private final int[] start;

  private final int[] children;

  /** Each node's index among its parent's children (0 for the root). */
  private final int[] position;

  private final int[] depth;

  private ReasoningTree(Problem problem, List<ReasoningNode> nodes) {
    this.problem = Objects.requireNonNull(problem, "problem");
    this.nodes = List.copyOf(nodes);
    int n = this.nodes.size();
    if (n == 0) {
      throw new IllegalArgumentException("a tree needs its root node");
    }
    if (this.nodes.get(0).kind() != NodeKind.ROOT) {
      throw new IllegalArgumentException(
          "node 0 must be the root (kind ROOT), was " + this.nodes.get(0).kind());
    }
    // Pre-order check: the parent of node i is on the path from the root to node i - 1.
    int[] stack = new int[Math.min(n, 64)];
    int top = 0;
    stack[top++] = 0;
    int[] count = new int[n];
    depth = new int[n];
    position = new int[n];
    for (int i = 1; i < n; i++) {
      int p = this.nodes.get(i).parent();
      while (top > 0 && stack[top - 1] != p) {
        top--;
      }
      if (top == 0) {
        throw new IllegalArgumentException(
            "node "
                + i
                + ": parent "
                + p
                + " is not on the path to node "
                + (i - 1)
                + " (nodes must be in depth-first pre-order)");
      }
      position[i] = count[p]++;
      depth[i] = depth[p] + 1;
      if (top == stack.length) {
        stack = Arrays.copyOf(stack, stack.length * 2);
      }
      stack[top++] = i;
    }
    start = new int[n + 1];
    for (int i = 0; i < n; i++) {
      start[i + 1] = start[i] + count[i];
    }
    children = new int[n - 1];
    int[] fill = Arrays.copyOf(start, n);
    for (int i = 1; i < n; i++) {
      children[fill[this.nodes.get(i).parent()]++] = i;
    }
  }

  /**
   * A tree of the given nodes.
   *
   * @param nodes the nodes in depth-first pre-order, children in creation order; node 0 the root
   * @throws NullPointerException if an argument or a node is null
   * @throws IllegalArgumentException if there is no node, node 0 is not the root, or the nodes are
   *     not in pre-order (a node's parent must be on the path to the node before it)
   */
  public static ReasoningTree of(Problem problem, List<ReasoningNode> nodes) {
    return new ReasoningTree(problem, nodes);
  }

  /** The problem searched. */
  public Problem problem() {
    return problem;
  }

  /** Every node, in depth-first pre-order; the root first. */
  public List<ReasoningNode> nodes() {
    return nodes;
  }

  /** Number of nodes, root included. */
  public int size() {
    return nodes.size();
  }

  /** The root node (index 0). */
  public ReasoningNode root() {
    return nodes.get(0);
  }

  /**
   * The node at an index.
   *
   * @throws IndexOutOfBoundsException if there is no such node
   */
  public ReasoningNode node(int i) {
    return nodes.get(i);
  }

  /**
   * The parent's index, -1 for the root.
   *
   * @throws IndexOutOfBoundsException if there is no such node
   */
  public int parent(int i) {
    return nodes.get(i).parent();
  }

  /**
   * Depth: 0 for the root.
   *
   * @throws IndexOutOfBoundsException if there is no such node
   */
  public int depth(int i) {
    Objects.checkIndex(i, depth.length);
    return depth[i];
  }

  /**
   * Number of children.
   *
   * @throws IndexOutOfBoundsException if there is no such node
   */
  public int childCount(int i) {
    Objects.checkIndex(i, nodes.size());
    return start[i + 1] - start[i];
  }

  /**
   * The index of the k-th child (in creation order).
   *
   * @throws IndexOutOfBoundsException if there is no such node or child
   */
  public int child(int i, int k) {
    Objects.checkIndex(k, childCount(i));
    return children[start[i] + k];
  }

  /**
   * The children's indices, in creation order.
   *
   * @throws IndexOutOfBoundsException if there is no such node
   */
  public List<Integer> children(int i) {
    int from = start[i];
    int k = childCount(i);
    return new AbstractList<>() {
      @Override
      public Integer get(int j) {
        Objects.checkIndex(j, k);
        return children[from + j];
      }

      @Override
      public int size() {
        return k;
      }
    };
  }

  /**
   * Whether the node has no children.
   *
   * @throws IndexOutOfBoundsException if there is no such node
   */
  public boolean isLeaf(int i) {
    return childCount(i) == 0;
  }

  /**
   * The node's index among its parent's children (0 for the root).
   *
   * @throws IndexOutOfBoundsException if there is no such node
   */
  public int position(int i) {
    Objects.checkIndex(i, position.length);
    return position[i];
  }

  /**
   * The node's path: the child positions from the root down to it ({@code []} for the root), the
   * golden-tree node lists' key.
   *
   * @throws IndexOutOfBoundsException if there is no such node
   */
  public List<Integer> path(int i) {
    Integer[] p = new Integer[depth(i)];
    for (int m = i, d = p.length - 1; m > 0; m = parent(m), d--) {
      p[d] = position[m];
    }
    return List.of(p);
  }

  /**
   * The node indices from the root (excluded) down to the node (included); empty for the root.
   *
   * @throws IndexOutOfBoundsException if there is no such node
   */
  public List<Integer> lineage(int i) {
    Integer[] p = new Integer[depth(i)];
    for (int m = i, d = p.length - 1; m > 0; m = parent(m), d--) {
      p[d] = m;
    }
    return List.of(p);
  }

  /**
   * The solution text down to the node: the texts from the root (excluded) to the node (included),
   * joined with nothing between.
   *
   * @throws IndexOutOfBoundsException if there is no such node
   */
  public String textTo(int i) {
    StringBuilder sb = new StringBuilder();
    for (int m : lineage(i)) {
      sb.append(nodes.get(m).text());
    }
    return sb.toString();
  }

  /** Trees are equal when their problems and node lists are. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ReasoningTree t && problem.equals(t.problem) && nodes.equals(t.nodes);
  }

  @Override
  public int hashCode() {
    return 31 * problem.hashCode() + nodes.hashCode();
  }

  @Override
  public String toString() {
    return "ReasoningTree[problem=" + problem.id() + ", nodes=" + nodes.size() + "]";
  }
}
