package io.rstar4j.core;

import java.util.List;

/**
 * Decides whether a predicted final answer equals a gold answer. Implementations must be symmetric.
 */
public interface AnswerGrader {

  /** Whether {@code predicted} and {@code gold} denote the same answer. */
  boolean equivalent(String predicted, String gold);

  /** Whether {@code predicted} equals any of the gold answers. */
  default boolean matchesAny(String predicted, List<String> golds) {
    for (String g : golds) {
      if (equivalent(predicted, g)) {
        return true;
      }
    }
    return false;
  }

  /** Equality after removing all whitespace (the golden-tree scripts' rule). */
  static AnswerGrader whitespaceInsensitive() {
    return (a, b) -> a.replaceAll("\\s+", "").equals(b.replaceAll("\\s+", ""));
  }
}
