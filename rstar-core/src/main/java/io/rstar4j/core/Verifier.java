package io.rstar4j.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs the Python code of reasoning steps. The GraalPy sandbox and a CPython worker pool ship as
 * implementations; tests use scripted verifiers.
 */
public interface Verifier extends AutoCloseable {

  /**
   * Runs one program from a fresh namespace (no variable survives from an earlier run).
   *
   * @param program Python source
   * @return what it produced; never null, never throws for a failing program
   */
  ExecutionOutcome execute(String program);

  /**
   * Runs a candidate step in its context: the program assembled by {@link
   * StepFormat#programOf(Trajectory, Step)}. Scripted verifiers override this to look the step up
   * by its position.
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
   */
  default List<ExecutionOutcome> executeSteps(List<StepInContext> steps) {
    List<ExecutionOutcome> out = new ArrayList<>(steps.size());
    for (StepInContext s : steps) {
      out.add(executeStep(s.before(), s.step()));
    }
    return out;
  }

  /** The programs of the steps, assembled by {@link StepFormat#programOf}, in order. */
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
    public StepInContext {
      java.util.Objects.requireNonNull(before, "before");
      java.util.Objects.requireNonNull(step, "step");
    }
  }

  /** Runs many programs; implementations may run them concurrently. Results in order. */
  default List<ExecutionOutcome> executeAll(List<String> programs) {
    List<ExecutionOutcome> out = new ArrayList<>(programs.size());
    for (String p : programs) {
      out.add(execute(p));
    }
    return out;
  }

  /** Releases pooled contexts or worker processes; a no-op by default. */
  @Override
  default void close() {}
}
