package io.rstar4j.core.tree;

import io.rstar4j.core.Problem;
import java.util.Objects;

/**
 * A finished search tree with its problem. Saved as one JSON object per line by {@link
 * ReasoningTrees}.
 */
public record ReasoningTree(Problem problem, ReasoningNode root) {
  public ReasoningTree {
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(root, "root");
    if (root.kind() != NodeKind.ROOT) {
      throw new IllegalArgumentException("the root node must be of kind ROOT, was " + root.kind());
    }
  }
}
