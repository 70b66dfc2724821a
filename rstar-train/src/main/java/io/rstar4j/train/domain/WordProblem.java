package io.rstar4j.train.domain;

import io.rstar4j.core.Problem;
import java.util.List;
import java.util.Objects;

/**
 * A generated word problem: the {@link Problem} any search or benchmark takes, plus what the
 * generator knows about it. The plan is hidden from the policy (it sees only the question).
 *
 * @param problem the problem: id, question text and the single gold answer
 * @param split the split it belongs to
 * @param difficulty its level, 1 (one or two operations) to 8 (seven to nine)
 * @param plan the hidden solution
 * @param templates the ids of the sentence templates that word it, in sentence order
 * @param distractors how many of its sentences state facts the answer does not need
 */
public record WordProblem(
    Problem problem,
    Split split,
    int difficulty,
    SolutionPlan plan,
    List<String> templates,
    int distractors) {

  /** The lowest difficulty level. */
  public static final int MIN_DIFFICULTY = 1;

  /** The highest difficulty level. */
  public static final int MAX_DIFFICULTY = 8;

  /**
   * Validates and copies.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the difficulty is outside 1..8, the problem's gold answers
   *     are not exactly the plan's answer, there are no templates, or distractors is negative
   */
  public WordProblem {
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(plan, "plan");
    templates = List.copyOf(templates);
    if (difficulty < MIN_DIFFICULTY || difficulty > MAX_DIFFICULTY) {
      throw new IllegalArgumentException(
          "difficulty must be in "
              + MIN_DIFFICULTY
              + ".."
              + MAX_DIFFICULTY
              + ", was "
              + difficulty);
    }
    if (!problem.goldAnswers().equals(List.of(plan.answerText()))) {
      throw new IllegalArgumentException(
          "problem "
              + problem.id()
              + ": gold answers "
              + problem.goldAnswers()
              + " are not the plan's answer "
              + plan.answerText());
    }
    if (templates.isEmpty()) {
      throw new IllegalArgumentException("problem " + problem.id() + ": no templates");
    }
    if (distractors < 0) {
      throw new IllegalArgumentException("distractors must be >= 0, was " + distractors);
    }
  }

  /** The problem's id, e.g. {@code arith-train-000123}. */
  public String id() {
    return problem.id();
  }

  /** The question text. */
  public String question() {
    return problem.question();
  }

  /** The gold answer. */
  public String answer() {
    return plan.answerText();
  }

  /** The kinds of the plan's steps, in order. */
  public List<OpKind> operations() {
    return plan.operations();
  }
}
