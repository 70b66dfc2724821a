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
