package io.rstar4j.train.evolve;

/**
 * What a run does with an output (a tree file, a run directory) that an earlier run with another
 * {@link RunFingerprint} wrote.
 */
public enum Rerun {
  /** Resume a matching run; refuse a differing one with {@link RunMismatchException}. */
  RESUME,
  /** Move the earlier run aside ({@code NAME.old-TIMESTAMP}) and start over. */
  RESTART,
  /**
   * For a changed problem set only: keep the earlier trees, search the new problems, and take the
   * round's data from its own problem set alone. Any other difference is still refused.
   */
  EXTEND
}
