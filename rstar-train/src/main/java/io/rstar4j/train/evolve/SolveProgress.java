package io.rstar4j.train.evolve;

/**
 * Progress of a {@link SearchRunner} run, reported after each lock-step group.
 *
 * @param done problems finished, resumed ones included
 * @param total problems in the run
 * @param resumed problems skipped because their trees were already saved
 * @param problemsPerSecond problems searched per second in this run (resumed ones excluded)
 * @param etaSeconds estimated seconds left, NaN before the first group finishes
 */
public record SolveProgress(
    int done, int total, int resumed, double problemsPerSecond, double etaSeconds) {

  /** One line for humans, e.g. {@code 12/500 problems (4 resumed), 0.53 problems/s, ETA 15:06}. */
  public String describe() {
    String eta;
    if (Double.isNaN(etaSeconds) || Double.isInfinite(etaSeconds)) {
      eta = "?";
    } else {
      long s = Math.round(etaSeconds);
      eta =
          s >= 3600
              ? String.format(java.util.Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
              : String.format(java.util.Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
    return String.format(
        java.util.Locale.ROOT,
        "%d/%d problems%s, %.3g problems/s, ETA %s",
        done,
        total,
        resumed > 0 ? " (" + resumed + " resumed)" : "",
        problemsPerSecond,
        eta);
  }
}
