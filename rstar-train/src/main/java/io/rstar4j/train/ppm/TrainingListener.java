package io.rstar4j.train.ppm;

/** Progress of value-head training, for progress bars and logs. All methods default to nothing. */
public interface TrainingListener {

  /** While backbone features are computed up front (feature caching on): texts done of total. */
  default void onFeatures(long done, long total) {}

  /** Before the first step: total optimizer steps planned and the split sizes. */
  default void onStart(long totalSteps, long doneSteps, int trainPairs, int heldOutPairs) {}

  /** After each optimizer step, with the epoch's running mean loss and pairwise accuracy. */
  default void onStep(int epoch, long step, long totalSteps, double loss, double accuracy) {}

  /** After each epoch's held-out evaluation. */
  default void onEpoch(EpochReport report) {}

  /** A listener that does nothing. */
  static TrainingListener none() {
    return new TrainingListener() {};
  }
}
