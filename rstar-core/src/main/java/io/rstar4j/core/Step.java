package io.rstar4j.core;

import java.util.Objects;
import java.util.Optional;

/**
 * One reasoning step: a generation cut at a stop string, parsed by {@link StepFormat#parse}. A step
 * is exactly one of three things:
 *
 * <ul>
 *   <li>{@link Code}: Python code, ending {@code <end_of_step>} or, as the last step of its code
 *       block, {@code <end_of_code>}; it carries the outcome of running its program once it ran;
 *   <li>{@link Answer}: a final answer (its text contains {@code boxed}), always terminal;
 *   <li>{@link Unparsable}: anything else (no known stop string and no answer).
 * </ul>
 *
 * <p>All three are validated records; none has a null component.
 */
public sealed interface Step permits Step.Code, Step.Answer, Step.Unparsable {

  /** The generated text, stop string included (what the policy wrote). */
  String text();

  /**
   * What this step contributes to a solution text: the generated text, and for a block's last code
   * step that ran, {@code \n<output>OUTPUT<end_of_output>} after it.
   */
  String solutionText();

  /**
   * Parses a generation (stop string included) into a step. See {@link StepFormat#parse}.
   *
   * @throws NullPointerException if generation is null
   */
  static Step parse(String generation) {
    return StepFormat.parse(generation);
  }

  /**
   * A code step.
   *
   * @param text the generated text, ending {@code <end_of_step>} or {@code <end_of_code>} (trailing
   *     whitespace ignored); never contains {@code boxed} (that makes an answer)
   * @param code the step's own Python code: the text with the step tags removed ({@link
   *     StepFormat#stripTags})
   * @param endsBlock whether the step ends its code block: the text ends {@code <end_of_code>}
   *     (trailing whitespace ignored); such a step's output is appended to the solution text
   * @param outcome the outcome of running the step's program, empty until it ran
   */
  record Code(String text, String code, boolean endsBlock, Optional<ExecutionOutcome> outcome)
      implements Step {

    /**
     * Validates.
     *
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if the text contains {@code boxed} (an answer step) or ends
     *     neither {@code <end_of_step>} nor {@code <end_of_code>}, or {@code endsBlock} disagrees
     *     with whether it ends {@code <end_of_code>}
     */
    public Code {
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(outcome, "outcome");
      if (text.contains("boxed")) {
        throw new IllegalArgumentException("a code step's text cannot contain boxed (an answer)");
      }
      if (!StepFormat.endsWithStop(text, StepFormat.END_OF_STEP)
          && !StepFormat.endsWithStop(text, StepFormat.END_OF_CODE)) {
        throw new IllegalArgumentException(
            "a code step's text must end "
                + StepFormat.END_OF_STEP
                + " or "
                + StepFormat.END_OF_CODE);
      }
      if (endsBlock != StepFormat.endsWithStop(text, StepFormat.END_OF_CODE)) {
        throw new IllegalArgumentException(
            "endsBlock must be "
                + !endsBlock
                + ": the text "
                + (endsBlock ? "does not end" : "ends")
                + " "
                + StepFormat.END_OF_CODE);
      }
    }

    /**
     * A code step that has not run, its code read from the text.
     *
     * @throws NullPointerException if text is null
     * @throws IllegalArgumentException if the text is no code step (see the constructor)
     */
    public static Code of(String text) {
      return new Code(
          text,
          StepFormat.stripTags(text),
          StepFormat.endsWithStop(text, StepFormat.END_OF_CODE),
          Optional.empty());
    }

    /**
     * This step with the outcome of running its program.
     *
     * @throws NullPointerException if outcome is null
     */
    public Code withOutcome(ExecutionOutcome outcome) {
      return new Code(text, code, endsBlock, Optional.of(outcome));
    }

    /** Whether the step ran and its outcome counts as a code error. */
    public boolean isError() {
      return outcome.isPresent() && outcome.get().isError();
    }

    /** Whether the step ran and timed out. */
    public boolean isTimeout() {
      return outcome.isPresent() && outcome.get() instanceof ExecutionOutcome.Timeout;
    }

    @Override
    public String solutionText() {
      if (endsBlock && outcome.isPresent()) {
        return text + "\n" + StepFormat.OUTPUT + outcome.get().text() + StepFormat.END_OF_OUTPUT;
      }
      return text;
    }
  }

  /**
   * A final answer step.
   *
   * @param text the generated text; contains {@code boxed}
   * @param answer the content of the last {@code \boxed{}} ({@link StepFormat#extractBoxed}); empty
   *     when the box is unbalanced
   */
  record Answer(String text, String answer) implements Step {

    /**
     * Validates.
     *
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if the text does not contain {@code boxed}
     */
    public Answer {
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(answer, "answer");
      if (!text.contains("boxed")) {
        throw new IllegalArgumentException("an answer step's text must contain boxed");
      }
    }

    /**
     * An answer step, its answer read from the text.
     *
     * @throws NullPointerException if text is null
     * @throws IllegalArgumentException if the text does not contain {@code boxed}
     */
    public static Answer of(String text) {
      return new Answer(text, StepFormat.extractBoxed(text).orElse(""));
    }

    @Override
    public String solutionText() {
      return text;
    }
  }

  /**
   * A generation that ends neither {@code <end_of_step>} nor {@code <end_of_code>} and holds no
   * answer: it ran out of tokens, or ended {@code <end_of_answer>} without a {@code \boxed{}}.
   *
   * @param text the generated text
   */
  record Unparsable(String text) implements Step {

    /**
     * Validates.
     *
     * @throws NullPointerException if text is null
     * @throws IllegalArgumentException if the text contains {@code boxed} or ends {@code
     *     <end_of_step>} or {@code <end_of_code>} (then it is an answer or a code step)
     */
    public Unparsable {
      Objects.requireNonNull(text, "text");
      if (text.contains("boxed")
          || StepFormat.endsWithStop(text, StepFormat.END_OF_STEP)
          || StepFormat.endsWithStop(text, StepFormat.END_OF_CODE)) {
        throw new IllegalArgumentException(
            "not an unparsable step: the text is an answer or a code step");
      }
    }

    @Override
    public String solutionText() {
      return text;
    }
  }
}
