package io.rstar4j.core;

import java.util.List;
import java.util.Objects;

/**
 * A math problem to search: an identifier, the question text and zero or more gold answers.
 *
 * <p>A problem without gold answers is a test-time problem: the search cannot annotate answers with
 * +1/-1 and relies on the reward model instead. With several gold answers, any one of them counts
 * as correct (the MATH benchmark has a few list-valued answers).
 *
 * @param id stable identifier, unique within a data set (used for ordering and output records)
 * @param question the question text, as shown to the policy
 * @param goldAnswers accepted answers; empty when unknown
 */
public record Problem(String id, String question, List<String> goldAnswers) {

  /**
   * Validates and copies.
   *
   * @throws NullPointerException if any argument or gold answer is null
   * @throws IllegalArgumentException if the question is blank
   */
  public Problem {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(question, "question");
    if (question.isBlank()) {
      throw new IllegalArgumentException("problem " + id + ": question is blank");
    }
    goldAnswers = List.copyOf(goldAnswers);
  }

  /** A problem with the given gold answers (none for a test-time problem). */
  public static Problem of(String id, String question, String... goldAnswers) {
    return new Problem(id, question, List.of(goldAnswers));
  }

  /** Whether at least one gold answer is known. */
  public boolean hasGold() {
    return !goldAnswers.isEmpty();
  }
}
