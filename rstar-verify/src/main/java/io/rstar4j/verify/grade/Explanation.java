package io.rstar4j.verify.grade;

import java.util.List;
import java.util.Objects;

/**
 * Why {@link MathGrader} judged a pair of answers as it did ({@link MathGrader#explain}): the
 * verdict, how each side was read, and the rule that decided.
 *
 * <p>{@link Reading#kind()} is one of {@code choice}, {@code text}, {@code number}, {@code
 * expression}, {@code assignment} ({@code x = 5}, a labelled value {@code MN = 7}), {@code
 * equation}, {@code relation}, {@code interval}, {@code intervals} (a union), {@code tuple}, {@code
 * set}, {@code list} (answers written without brackets), {@code matrix} and {@code either} (two
 * readings, such as {@code 70,110}); with the strict reference rules it is how the reference's
 * {@code math_equal} treats the text ({@code number}, {@code choice}, {@code list}, {@code matrix},
 * {@code equation}, {@code expression}). {@link Reading#normalized()} is the answer as read, in one
 * spelling: expressions in plain infix ({@code 3*sqrt(2)}, {@code π}, {@code ∞}), intervals as
 * {@code (0, 3] ∪ (5, ∞)}, sets in braces, matrices as nested lists; with the reference rules, the
 * text after {@code strip_string}.
 *
 * <p>{@link #rule()} names the outermost rule that decided, and {@link #path()} the rules from the
 * outermost comparison inwards along the last comparison made at each level (for a failed tuple,
 * the item that differed). The names are listed in the package documentation.
 *
 * @param equal the verdict, the same as {@link MathGrader#equivalent(String, String)}'s
 * @param gold how the gold answer was read
 * @param pred how the predicted answer was read
 * @param rule the rule that decided, the first element of {@code path}
 * @param path the rules from the outermost comparison inwards, never empty
 */
public record Explanation(
    boolean equal, Reading gold, Reading pred, String rule, List<String> path) {

  /**
   * Validates and copies.
   *
   * @throws NullPointerException if any argument is null
   * @throws IllegalArgumentException if {@code path} is empty or does not start with {@code rule}
   */
  public Explanation {
    Objects.requireNonNull(gold, "gold");
    Objects.requireNonNull(pred, "pred");
    Objects.requireNonNull(rule, "rule");
    path = List.copyOf(path);
    if (path.isEmpty() || !path.get(0).equals(rule)) {
      throw new IllegalArgumentException("path must start with the rule " + rule + ": " + path);
    }
  }

  /**
   * How one answer was read.
   *
   * @param kind what it was read as (see {@link Explanation})
   * @param normalized the answer as read, in one spelling
   */
  public record Reading(String kind, String normalized) {
    /**
     * Validates.
     *
     * @throws NullPointerException if either argument is null
     */
    public Reading {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(normalized, "normalized");
    }
  }
}
