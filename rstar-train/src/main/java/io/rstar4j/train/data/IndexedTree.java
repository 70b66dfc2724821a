package io.rstar4j.train.data;

import io.rstar4j.core.tree.NodeKind;
import io.rstar4j.core.tree.ReasoningNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A saved tree flattened in depth-first pre-order, with parents and the correct/wrong leaf counts
 * of the pair stage. Node 0 is the root.
 */
final class IndexedTree {
  final List<ReasoningNode> nodes = new ArrayList<>();
  final List<int[]> children = new ArrayList<>();
  final List<Integer> parent = new ArrayList<>();
  int[] correctBelow;
  int[] wrongBelow;

  IndexedTree(ReasoningNode root) {
    // Iterative pre-order (children in creation order) so deep trees cannot overflow the stack.
    record Pending(ReasoningNode node, int parent, int position) {}
    Deque<Pending> work = new ArrayDeque<>();
    work.push(new Pending(root, -1, -1));
    while (!work.isEmpty()) {
      Pending p = work.pop();
      int i = nodes.size();
      nodes.add(p.node());
      parent.add(p.parent());
      children.add(new int[p.node().children().size()]);
      if (p.parent() >= 0) {
        children.get(p.parent())[p.position()] = i;
      }
      List<ReasoningNode> ch = p.node().children();
      for (int k = ch.size() - 1; k >= 0; k--) {
        work.push(new Pending(ch.get(k), i, k));
      }
    }
    countLeaves();
  }

  int size() {
    return nodes.size();
  }

  double q(int i) {
    return nodes.get(i).q();
  }

  String text(int i) {
    return nodes.get(i).text();
  }

  boolean isLeaf(int i) {
    return children.get(i).length == 0;
  }

  /** An answer leaf with Q exactly 1. */
  boolean isCorrectLeaf(int i) {
    return isLeaf(i) && nodes.get(i).kind() == NodeKind.ANSWER && q(i) == 1.0;
  }

  /** An answer leaf with Q exactly -1. */
  boolean isWrongLeaf(int i) {
    return isLeaf(i) && nodes.get(i).kind() == NodeKind.ANSWER && q(i) == -1.0;
  }

  private void countLeaves() {
    int n = size();
    correctBelow = new int[n];
    wrongBelow = new int[n];
    // Pre-order: every child has a larger index than its parent, so a reverse sweep sums subtrees.
    for (int i = n - 1; i >= 0; i--) {
      if (isCorrectLeaf(i)) {
        correctBelow[i]++;
      }
      if (isWrongLeaf(i)) {
        wrongBelow[i]++;
      }
      int p = parent.get(i);
      if (p >= 0) {
        correctBelow[p] += correctBelow[i];
        wrongBelow[p] += wrongBelow[i];
      }
    }
  }
}
