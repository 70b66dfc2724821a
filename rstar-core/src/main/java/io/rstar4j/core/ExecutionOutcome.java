package io.rstar4j.core;

import java.time.Duration;
import java.util.Objects;

/**
 * What running a program produced: output, an error, a timeout, or a refusal by the sandbox. Each
 * outcome carries the wall-clock time it took.
 */
public sealed interface ExecutionOutcome
    permits ExecutionOutcome.Output,
        ExecutionOutcome.Error,
        ExecutionOutcome.Timeout,
        ExecutionOutcome.Refused {

  /** Wall-clock time the run took. */
  Duration elapsed();

  /**
   * The text the reference appends between {@code <output>} and {@code <end_of_output>}: the output
   * itself, or the error as {@code TypeName: message}.
   */
  String text();

  /**
   * Whether this outcome counts as a code error in the search. Following the reference, any output
   * containing "error" (case-insensitive) counts, as do errors, timeouts and refusals.
   */
  default boolean isError() {
    return true;
  }

  /** Normal completion with the program's output. */
  record Output(String text, Duration elapsed) implements ExecutionOutcome {
    public Output {
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(elapsed, "elapsed");
    }

    @Override
    public boolean isError() {
      return StepFormat.looksLikeError(text);
    }
  }

  /**
   * The program raised an exception.
   *
   * @param message the error as {@code TypeName: message}
   */
  record Error(String message, Duration elapsed) implements ExecutionOutcome {
    public Error {
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(elapsed, "elapsed");
    }

    @Override
    public String text() {
      return message;
    }
  }

  /** The program ran past its time limit and was stopped. */
  record Timeout(Duration limit, Duration elapsed) implements ExecutionOutcome {
    public Timeout {
      Objects.requireNonNull(limit, "limit");
      Objects.requireNonNull(elapsed, "elapsed");
    }

    @Override
    public String text() {
      return "TimeoutError: execution exceeded " + limit.toMillis() + " ms";
    }
  }

  /**
   * The sandbox refused the program (file, network, process or host access; output too large).
   *
   * @param reason what was refused, as {@code TypeName: message}
   */
  record Refused(String reason, Duration elapsed) implements ExecutionOutcome {
    public Refused {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(elapsed, "elapsed");
    }

    @Override
    public String text() {
      return reason;
    }
  }
}
