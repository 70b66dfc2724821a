package io.rstar4j.core.tree;

import java.util.List;
import java.util.Objects;

/**
 * A node of a finished search tree, as saved for data extraction: immutable, with its children in
 * creation order.
 *
 * @param text what this node contributes to a solution text (the reference's node text: the step,
 *     plus {@code \n<output>...<end_of_output>} after a block's last code step); empty for the root
 * @param kind what the node is
 * @param answer the extracted {@code \boxed{}} content for answer nodes, else null
 * @param visits visit count N
 * @param valueSum value sum W
 * @param terminal the terminal flag at the end of the search
 * @param children children in creation order
 */
public record ReasoningNode(
    String text,
    NodeKind kind,
    String answer,
    int visits,
    double valueSum,
    boolean terminal,
    List<ReasoningNode> children) {

  public ReasoningNode {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(kind, "kind");
    if (visits < 0) {
      throw new IllegalArgumentException("visits must be >= 0");
    }
    if (kind == NodeKind.ANSWER && answer == null) {
      throw new IllegalArgumentException("an answer node needs its answer");
    }
    children = List.copyOf(children);
  }

  /** Q = W / N, 0 when unvisited. */
  public double q() {
    return visits == 0 ? 0.0 : valueSum / visits;
  }

  /** Whether the node has no children. */
  public boolean isLeaf() {
    return children.isEmpty();
  }
}
