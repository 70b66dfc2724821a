package io.rstar4j.mcts;

import io.rstar4j.core.Trajectory;
import io.rstar4j.core.tree.NodeKind;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One root-to-leaf path of a finished search.
 *
 * @param steps the steps, with their execution outcomes
 * @param texts each step's node text (what it contributes to the solution)
 * @param q each step's Q = W / N (0 when unvisited), in order
 * @param leafKind the kind of the last node
 * @param answer the answer, present exactly for an answer leaf
 */
public record ScoredTrajectory(
    Trajectory steps,
    List<String> texts,
    List<Double> q,
    NodeKind leafKind,
    Optional<String> answer) {
  /**
   * Validates and copies.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the lists' sizes differ from the steps', or the answer is
   *     present for a leaf that is no answer (or missing for one that is)
   */
  public ScoredTrajectory {
    Objects.requireNonNull(steps, "steps");
    texts = List.copyOf(texts);
    q = List.copyOf(q);
    Objects.requireNonNull(leafKind, "leafKind");
    Objects.requireNonNull(answer, "answer");
    if (answer.isPresent() != (leafKind == NodeKind.ANSWER)) {
      throw new IllegalArgumentException("an answer exactly for an answer leaf");
    }
    if (texts.size() != steps.size() || q.size() != steps.size()) {
      throw new IllegalArgumentException("one text and one Q per step");
    }
  }

  /** The solution text: the node texts joined with nothing between. */
  public String solutionText() {
    return String.join("", texts);
  }

  /** The leaf's Q. */
  public double leafQ() {
    return q.isEmpty() ? 0.0 : q.get(q.size() - 1);
  }
}
