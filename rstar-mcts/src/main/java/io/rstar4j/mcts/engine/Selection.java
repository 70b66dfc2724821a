package io.rstar4j.mcts.engine;

/** The selection formulas as pure functions, testable alone. */
public final class Selection {
  private Selection() {}

  /** q = W / N, or 0 when N = 0. */
  public static double q(double visits, double valueSum) {
    return visits == 0 ? 0.0 : valueSum / visits;
  }

  /**
   * The reference's UCT score: {@code q + c * sqrt(ln(np) / nc)}, the second term 0 when {@code np
   * == 0} or {@code nc == 0} (so an unvisited child scores exactly 0). Uses {@link Math#log}, which
   * matches the reference's numpy log on its inputs.
   */
  public static double uct(
      double c, double parentVisits, double childVisits, double childValueSum) {
    double q = q(childVisits, childValueSum);
    if (parentVisits == 0 || childVisits == 0) {
      return q;
    }
    return q + c * Math.sqrt(Math.log(parentVisits) / childVisits);
  }

  /** PUCT: {@code q + c * prior * sqrt(np) / (1 + nc)}, q = 0 when unvisited. */
  public static double puct(
      double c, double parentVisits, double childVisits, double childValueSum, double prior) {
    return q(childVisits, childValueSum) + c * prior * Math.sqrt(parentVisits) / (1 + childVisits);
  }
}
