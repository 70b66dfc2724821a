package io.rstar4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A partial or complete solution: the steps from the root down, in order. Immutable.
 *
 * @param steps the steps, first to last
 */
public record Trajectory(List<Step> steps) {

  private static final Trajectory EMPTY = new Trajectory(List.of());

  public Trajectory {
    steps = List.copyOf(steps);
  }

  /** The empty trajectory (the root of a search). */
  public static Trajectory empty() {
    return EMPTY;
  }

  /** A trajectory of the given steps. */
  public static Trajectory of(Step... steps) {
    return new Trajectory(List.of(steps));
  }

  /** This trajectory with one more step at the end. */
  public Trajectory append(Step step) {
    Objects.requireNonNull(step, "step");
    List<Step> next = new ArrayList<>(steps.size() + 1);
    next.addAll(steps);
    next.add(step);
    return new Trajectory(next);
  }

  /** Number of steps. */
  public int size() {
    return steps.size();
  }

  /** Whether there are no steps. */
  public boolean isEmpty() {
    return steps.isEmpty();
  }

  /** The last step, or null when empty. */
  public Step last() {
    return steps.isEmpty() ? null : steps.get(steps.size() - 1);
  }

  /** Whether the last step is an answer step. */
  public boolean isComplete() {
    return !steps.isEmpty() && last().isAnswer();
  }

  /** The solution text: every step's {@link Step#solutionText()}, joined with nothing between. */
  public String solutionText() {
    StringBuilder sb = new StringBuilder();
    for (Step s : steps) {
      sb.append(s.solutionText());
    }
    return sb.toString();
  }
}
