package io.rstar4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs the Python code of reasoning steps. The GraalPy sandbox and a CPython worker pool ship as
 * implementations; tests use scripted verifiers.
 *
 * <p>A failing program is an {@link ExecutionOutcome} (an error, a timeout, a refusal), never an
 * exception; {@link SpiException} is thrown only when the verifier itself cannot run programs (its
 * interpreter or worker pool cannot start, it was interrupted).
 */
public interface Verifier extends AutoCloseable {

  /**
   * Runs one program from a fresh namespace (no variable survives from an earlier run).
   *
   * @param program Python source
   * @return what it produced; never null
   * @throws NullPointerException if program is null
   * @throws SpiException when the verifier cannot run programs
   * @throws IllegalStateException if the verifier is closed
   */
  ExecutionOutcome execute(String program);

  /**
   * Runs a candidate step in its context: the program assembled by {@link
   * StepFormat#programOf(Trajectory, Step)}. Scripted verifiers override this to look the step up
   * by its position.
   *
   * @throws NullPointerException if an argument is null
   * @throws SpiException when the verifier cannot run programs
   * @throws IllegalStateException if the verifier is closed
   */
  default ExecutionOutcome executeStep(Trajectory before, Step step) {
    return execute(StepFormat.programOf(before, step));
  }

  /**
   * Runs many candidate steps, each in its context. The default runs them one by one through {@link
   * #executeStep}, so a verifier that overrides only {@code executeStep} (a scripted one) stays
   * correct; pooled verifiers override this to run the assembled programs concurrently through
   * {@link #executeAll}.
   *
   * @return one outcome per step, in order
   * @throws NullPointerException if the list or an element is null
   * @throws SpiException when the verifier cannot run programs
   * @throws IllegalStateException if the verifier is closed
   */
  default List<ExecutionOutcome> executeSteps(List<StepInContext> steps) {
    List<ExecutionOutcome> out = new ArrayList<>(steps.size());
    for (StepInContext s : steps) {
      out.add(executeStep(s.before(), s.step()));
    }
    return out;
  }

  /**
   * The programs of the steps, assembled by {@link StepFormat#programOf}, in order.
   *
   * @throws NullPointerException if the list or an element is null
   */
  static List<String> programsOf(List<StepInContext> steps) {
    List<String> out = new ArrayList<>(steps.size());
    for (StepInContext s : steps) {
      out.add(StepFormat.programOf(s.before(), s.step()));
    }
    return out;
  }

  /**
   * A candidate step with the trajectory before it.
   *
   * @param before the steps before it (empty at the root)
   * @param step the step to run
   */
  record StepInContext(Trajectory before, Step step) {
    /**
     * Validates.
     *
     * @throws NullPointerException if an argument is null
     */
    public StepInContext {
      Objects.requireNonNull(before, "before");
      Objects.requireNonNull(step, "step");
    }
  }

  /**
   * Runs many programs; implementations may run them concurrently.
   *
   * @return one outcome per program, in order
   * @throws NullPointerException if the list or an element is null
   * @throws SpiException when the verifier cannot run programs
   * @throws IllegalStateException if the verifier is closed
   */
  default List<ExecutionOutcome> executeAll(List<String> programs) {
    List<ExecutionOutcome> out = new ArrayList<>(programs.size());
    for (String p : programs) {
      out.add(execute(p));
    }
    return out;
  }

  /**
   * Releases pooled contexts or worker processes; a no-op by default.
   *
   * @throws SpiException when releasing them fails
   */
  @Override
  default void close() {}
}
