package io.rstar4j.core;

import java.util.List;

/**
 * Scores partial trajectories in [-1, 1]. The Process Preference Model is one implementation; a
 * constant, an outcome reward model and a remote model are others. Batched by design.
 */
public interface RewardModel extends AutoCloseable {

  /**
   * Scores each request.
   *
   * @return one score per request, in order, each in [-1, 1]
   */
  double[] score(List<RewardRequest> batch);

  /** Releases native resources; a no-op by default. */
  @Override
  default void close() {}

  /** A reward model that gives every request the same score. */
  static RewardModel constant(double value) {
    if (!(value >= -1 && value <= 1)) {
      throw new IllegalArgumentException("score must be in [-1, 1], was " + value);
    }
    return batch -> {
      double[] out = new double[batch.size()];
      java.util.Arrays.fill(out, value);
      return out;
    };
  }
}
