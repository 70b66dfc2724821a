package io.rstar4j.core.tree;

import java.util.Objects;
import java.util.Optional;

/**
 * One node of a saved reasoning tree ({@link ReasoningTree}): its parent's index, what it
 * contributes to a solution, what it is, and its statistics at the end of the search. Immutable;
 * children are found through the tree.
 *
 * @param parent the parent's index in the tree, {@code -1} for the root only
 * @param text what this node contributes to a solution text (the reference's node text: the step,
 *     plus {@code \n<output>...<end_of_output>} after a block's last code step); empty for the root
 * @param kind what the node is; {@link NodeKind#ROOT} exactly when {@code parent} is {@code -1}
 * @param answer the extracted {@code \boxed{}} content, present exactly for {@link NodeKind#ANSWER}
 * @param visits visit count N, {@code >= 0}
 * @param valueSum value sum W
 * @param terminal the terminal flag at the end of the search
 */
public record ReasoningNode(
    int parent,
    String text,
    NodeKind kind,
    Optional<String> answer,
    int visits,
    double valueSum,
    boolean terminal) {

  /**
   * Validates.
   *
   * @throws NullPointerException if text, kind or answer is null
   * @throws IllegalArgumentException if parent is below -1, the root kind and parent -1 do not go
   *     together, the answer is present on a non-answer node or missing on an answer node, or
   *     visits is negative
   */
  public ReasoningNode {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(answer, "answer");
    if (parent < -1) {
      throw new IllegalArgumentException("parent must be >= -1, was " + parent);
    }
    if ((parent == -1) != (kind == NodeKind.ROOT)) {
      throw new IllegalArgumentException(
          "the root, and only the root, has kind ROOT and parent -1 (kind "
              + kind
              + ", parent "
              + parent
              + ")");
    }
    if (answer.isPresent() != (kind == NodeKind.ANSWER)) {
      throw new IllegalArgumentException(
          kind == NodeKind.ANSWER ? "an answer node needs its answer" : kind + " has no answer");
    }
    if (visits < 0) {
      throw new IllegalArgumentException("visits must be >= 0, was " + visits);
    }
  }

  /**
   * The root node.
   *
   * @throws IllegalArgumentException if visits is negative
   */
  public static ReasoningNode root(int visits, double valueSum, boolean terminal) {
    return new ReasoningNode(-1, "", NodeKind.ROOT, Optional.empty(), visits, valueSum, terminal);
  }

  /**
   * An answer node.
   *
   * @throws NullPointerException if text or answer is null
   * @throws IllegalArgumentException if parent is below 0 or visits is negative
   */
  public static ReasoningNode answer(
      int parent, String text, String answer, int visits, double valueSum, boolean terminal) {
    checkParent(parent);
    return new ReasoningNode(
        parent,
        text,
        NodeKind.ANSWER,
        Optional.of(Objects.requireNonNull(answer, "answer")),
        visits,
        valueSum,
        terminal);
  }

  /**
   * A node of a kind other than {@link NodeKind#ROOT} and {@link NodeKind#ANSWER}.
   *
   * @throws NullPointerException if text or kind is null
   * @throws IllegalArgumentException if parent is below 0, kind is ROOT or ANSWER, or visits is
   *     negative
   */
  public static ReasoningNode step(
      int parent, String text, NodeKind kind, int visits, double valueSum, boolean terminal) {
    checkParent(parent);
    return new ReasoningNode(parent, text, kind, Optional.empty(), visits, valueSum, terminal);
  }

  private static void checkParent(int parent) {
    if (parent < 0) {
      throw new IllegalArgumentException("a non-root node needs a parent >= 0, was " + parent);
    }
  }

  /** Q = W / N, 0 when unvisited. */
  public double q() {
    return visits == 0 ? 0.0 : valueSum / visits;
  }
}
