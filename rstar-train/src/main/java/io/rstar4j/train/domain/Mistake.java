package io.rstar4j.train.domain;

/**
 * The kinds of mistake the {@link BootstrapPolicy} makes, the kinds a weak model makes. At most one
 * mistake is drawn per generated step; a kind that does not apply to the step (a repeated step at
 * the first step, a copied number in a step without a stated number) leaves the step correct.
 */
public enum Mistake {
  /**
   * The wrong operation: {@code +} for {@code -}, {@code *} for {@code /} and back, a percentage
   * without {@code / 100}, the part instead of what is left, a fraction upside down, a conversion
   * the wrong way.
   */
  WRONG_OPERATOR,
  /**
   * The wrong operand: another variable defined so far, another number of the question, or the
   * operands of a subtraction or division swapped.
   */
  WRONG_OPERAND,
  /**
   * A step left out: the policy writes the next step instead, using the input of the step it
   * skipped where that step's result belongs (or prints it, when the skipped step was the last).
   */
  DROPPED_STEP,
  /**
   * The previous step done again on its own result ({@code apples_left = apples_left - 5}), so its
   * operation is applied twice.
   */
  REPEATED_STEP,
  /**
   * Code that does not run: a misspelled or undefined name (NameError), an unclosed parenthesis
   * (SyntaxError) or a division by a zero expression (ZeroDivisionError).
   */
  PYTHON_ERROR,
  /**
   * Printing an intermediate result as the final answer (from the second step on: an answer among
   * the first step's candidates would be the only child a search keeps).
   */
  PREMATURE_ANSWER,
  /**
   * A number copied wrong: a distractor's number in place of the right one, or a digit slip
   * (swapped or changed digit), also when copying the printed output into the answer.
   */
  COPIED_WRONG_NUMBER
}
