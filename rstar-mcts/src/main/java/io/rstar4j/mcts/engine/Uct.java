package io.rstar4j.mcts.engine;

/**
 * The built-in UCT rule. {@link Mcts} recognises it and hoists {@code ln(N_parent)} out of the loop
 * over children; the scores are bit-for-bit those of {@link Selection#uct}.
 */
final class Uct implements SelectionRule {
  final double c;
  final boolean unvisitedInfinity;

  Uct(double c, boolean unvisitedInfinity) {
    this.c = c;
    this.unvisitedInfinity = unvisitedInfinity;
  }

  @Override
  public double score(double parentVisits, double childVisits, double childValueSum, double prior) {
    if (unvisitedInfinity && childVisits == 0) {
      return Double.POSITIVE_INFINITY;
    }
    return Selection.uct(c, parentVisits, childVisits, childValueSum);
  }

  /** The score with {@code lnParent = Math.log(parentVisits)} computed by the caller. */
  double fastScore(double parentVisits, double lnParent, double childVisits, double childValueSum) {
    if (childVisits == 0) {
      return unvisitedInfinity ? Double.POSITIVE_INFINITY : 0.0;
    }
    double q = childValueSum / childVisits;
    if (parentVisits == 0) {
      return q;
    }
    return q + c * Math.sqrt(lnParent / childVisits);
  }

  @Override
  public java.util.OptionalDouble explorationConstant() {
    return java.util.OptionalDouble.of(c);
  }

  @Override
  public String toString() {
    return "uct(c=" + c + (unvisitedInfinity ? ", unvisited=+inf)" : ")");
  }
}
