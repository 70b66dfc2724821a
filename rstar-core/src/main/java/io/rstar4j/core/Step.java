package io.rstar4j.core;

import java.util.Objects;
import java.util.Optional;

/**
 * One reasoning step: a generation cut at a stop string, parsed by {@link StepFormat}.
 *
 * @param text the generated text, stop string included (what the policy wrote)
 * @param kind what the step is
 * @param code the step's own Python code with the step tags removed; empty for answer steps
 * @param answer the content of the last {@code \boxed{}} for answer steps, else null
 * @param execution the outcome of running the step's program, or null when not run (yet)
 */
public record Step(
    String text, StepKind kind, String code, String answer, ExecutionOutcome execution) {

  public Step {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(code, "code");
    if (kind == StepKind.ANSWER && answer == null) {
      throw new IllegalArgumentException("an answer step needs its extracted answer");
    }
  }

  /** Parses a generation (stop string included) into a step. See {@link StepFormat#parse}. */
  public static Step parse(String generation) {
    return StepFormat.parse(generation);
  }

  /** This step with the outcome of running its program. */
  public Step withExecution(ExecutionOutcome outcome) {
    return new Step(text, kind, code, answer, Objects.requireNonNull(outcome, "outcome"));
  }

  /** The extracted answer, if this is an answer step. */
  public Optional<String> answerOpt() {
    return Optional.ofNullable(answer);
  }

  /** The outcome of running the step's program, if it ran. */
  public Optional<ExecutionOutcome> executionOpt() {
    return Optional.ofNullable(execution);
  }

  /** Whether the step ran and its outcome counts as a code error. */
  public boolean isError() {
    return execution != null && execution.isError();
  }

  /** Whether the step ran and timed out. */
  public boolean isTimeout() {
    return execution instanceof ExecutionOutcome.Timeout;
  }

  /** Whether this is a terminal answer step. */
  public boolean isAnswer() {
    return kind == StepKind.ANSWER;
  }

  /**
   * What this step contributes to a solution text: the generated text, and for a block's last code
   * step that ran, {@code \n<output>OUTPUT<end_of_output>} after it.
   */
  public String solutionText() {
    if (kind == StepKind.CODE_END && execution != null) {
      return text + "\n" + StepFormat.OUTPUT + execution.text() + StepFormat.END_OF_OUTPUT;
    }
    return text;
  }
}
