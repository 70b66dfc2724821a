package io.rstar4j.core;

import java.util.List;

/**
 * Decides whether a predicted final answer equals a gold answer. Implementations must be symmetric.
 *
 * <p>Each pipeline takes its grader in one place and passes it down: the search's builder, the
 * self-evolution loop's builder (its searches and its extraction), and the extraction entry points.
 * Where a default is needed it is {@link #whitespaceInsensitive()}, the golden-tree scripts' rule;
 * real data wants a math grader (rstar-verify's {@code MathGrader}).
 */
public interface AnswerGrader {

  /**
   * Whether {@code predicted} and {@code gold} denote the same answer.
   *
   * @throws NullPointerException if an argument is null
   * @throws SpiException when the grader cannot decide (a grader backed by a failing process)
   */
  boolean equivalent(String predicted, String gold);

  /**
   * Whether {@code predicted} equals any of the gold answers.
   *
   * @throws NullPointerException if an argument is null
   * @throws SpiException as {@link #equivalent}
   */
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
