package io.rstar4j.mcts.engine;

import java.util.OptionalDouble;

/**
 * How a child is scored for selection: a small pure function of the parent's and the child's
 * statistics. The engine picks, among a node's selectable children in creation order, the first one
 * with the maximal score under exact equality.
 */
@FunctionalInterface
public interface SelectionRule {

  /**
   * The score of one child.
   *
   * @param parentVisits N of the parent
   * @param childVisits N of the child
   * @param childValueSum W of the child
   * @param prior the child's prior (PUCT); 1 when none was given
   * @return the score; higher is selected first
   */
  double score(double parentVisits, double childVisits, double childValueSum, double prior);

  /**
   * The exploration constant c of a stock rule ({@link #uct}, {@link #puct}), for reports; empty
   * for a rule of one's own.
   */
  default OptionalDouble explorationConstant() {
    return OptionalDouble.empty();
  }

  /** What an unvisited child scores under UCT. */
  enum UnvisitedScore {
    /** The reference's choice: both terms are 0, so an unvisited child scores exactly 0. */
    ZERO,
    /** The textbook choice: an unvisited child scores +infinity and is tried first. */
    INFINITY
  }

  /**
   * The reference's UCT: {@code q + c * sqrt(ln(N_parent) / N_child)}, where {@code q = W / N} (0
   * when unvisited) and the exploration term is 0 when either count is 0.
   *
   * @throws IllegalArgumentException if c is negative or not finite
   */
  static SelectionRule uct(double c) {
    return uct(c, UnvisitedScore.ZERO);
  }

  /**
   * UCT with a choice for unvisited children.
   *
   * @throws IllegalArgumentException if c is negative or not finite
   * @throws NullPointerException if unvisited is null
   */
  static SelectionRule uct(double c, UnvisitedScore unvisited) {
    checkC(c);
    java.util.Objects.requireNonNull(unvisited, "unvisited");
    return new Uct(c, unvisited == UnvisitedScore.INFINITY);
  }

  /**
   * AlphaZero's PUCT: {@code q + c * prior * sqrt(N_parent) / (1 + N_child)}, q = 0 when unvisited.
   *
   * @throws IllegalArgumentException if c is negative or not finite
   */
  static SelectionRule puct(double c) {
    checkC(c);
    return new SelectionRule() {
      @Override
      public double score(double np, double nc, double w, double prior) {
        return Selection.puct(c, np, nc, w, prior);
      }

      @Override
      public OptionalDouble explorationConstant() {
        return OptionalDouble.of(c);
      }

      @Override
      public String toString() {
        return "puct(c=" + c + ")";
      }
    };
  }

  private static void checkC(double c) {
    if (!(c >= 0) || Double.isInfinite(c)) {
      throw new IllegalArgumentException(
          "exploration constant c must be finite and >= 0, was " + c);
    }
  }
}
