package io.rstar4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A partial or complete solution: the steps from the root down, in order. Immutable.
 *
 * @param steps the steps, first to last
 */
public record Trajectory(List<Step> steps) {

  private static final Trajectory EMPTY = new Trajectory(List.of());

  /**
   * Copies the steps.
   *
   * @throws NullPointerException if the list or a step is null
   */
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

  /**
   * This trajectory with one more step at the end.
   *
   * @throws NullPointerException if step is null
   */
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

  /** The last step; empty for the empty trajectory. */
  public Optional<Step> last() {
    return steps.isEmpty() ? Optional.empty() : Optional.of(steps.get(steps.size() - 1));
  }

  /** The final answer: the last step's, when it is an answer step. */
  public Optional<String> answer() {
    return last().filter(Step.Answer.class::isInstance).map(s -> ((Step.Answer) s).answer());
  }

  /** Whether the last step is an answer step. */
  public boolean isComplete() {
    return last().orElse(null) instanceof Step.Answer;
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
