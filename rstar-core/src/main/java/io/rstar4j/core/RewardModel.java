package io.rstar4j.core;

import java.util.Arrays;
import java.util.List;

/**
 * Scores partial trajectories in [-1, 1]. The Process Preference Model is one implementation; a
 * constant, an outcome reward model and a remote model are others. Batched by design.
 */
public interface RewardModel extends AutoCloseable {

  /**
   * Scores each request.
   *
   * @param batch the requests; never null, may be empty
   * @return one score per request, in order, each in [-1, 1]
   * @throws SpiException when the model cannot score (a server unreachable or failing, ONNX Runtime
   *     failing); the message names the cause
   */
  double[] score(List<RewardRequest> batch);

  /**
   * Releases native resources; a no-op by default.
   *
   * @throws SpiException when releasing them fails
   */
  @Override
  default void close() {}

  /**
   * A reward model that gives every request the same score.
   *
   * @throws IllegalArgumentException if value is outside [-1, 1] or NaN
   */
  static RewardModel constant(double value) {
    if (!(value >= -1 && value <= 1)) {
      throw new IllegalArgumentException("score must be in [-1, 1], was " + value);
    }
    return batch -> {
      double[] out = new double[batch.size()];
      Arrays.fill(out, value);
      return out;
    };
  }
}
