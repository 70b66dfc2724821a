package io.rstar4j.train.ppm;

/**
 * How the value head is fine-tuned. {@link #defaults()}: 3 epochs, batches of 32, AdamW (lr 1e-3,
 * betas 0.9/0.999, eps 1e-8, weight decay 0.01), 10% of the problems held out, early stop after 2
 * epochs without a better held-out loss, features cached, resume from a checkpoint when present.
 *
 * @param epochs passes over the training pairs
 * @param batchSize pairs per optimizer step
 * @param learningRate AdamW step size
 * @param weightDecay AdamW decoupled weight decay
 * @param beta1 first-moment decay
 * @param beta2 second-moment decay
 * @param epsilon AdamW epsilon
 * @param heldOutFraction fraction of the problems (grouped by question) held out for evaluation
 * @param patience epochs without a better held-out loss before stopping
 * @param seed seed of the split and the shuffles
 * @param cacheFeatures compute each text's backbone features once (else once per use)
 * @param resume continue from a checkpoint in the output directory when there is one
 * @param device {@code cpu} or {@code cuda} for the training-step graph
 */
public record TrainingConfig(
    int epochs,
    int batchSize,
    double learningRate,
    double weightDecay,
    double beta1,
    double beta2,
    double epsilon,
    double heldOutFraction,
    int patience,
    long seed,
    boolean cacheFeatures,
    boolean resume,
    String device) {

  /**
   * Validates.
   *
   * @throws IllegalArgumentException on an out-of-range value
   */
  public TrainingConfig {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be >= 1, was " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, was " + batchSize);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be positive, was " + learningRate);
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("weight decay must be >= 0, was " + weightDecay);
    }
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("betas must be in [0, 1)");
    }
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException("epsilon must be positive, was " + epsilon);
    }
    if (!(heldOutFraction >= 0 && heldOutFraction < 1)) {
      throw new IllegalArgumentException(
          "held-out fraction must be in [0, 1), was " + heldOutFraction);
    }
    if (patience < 1) {
      throw new IllegalArgumentException("patience must be >= 1, was " + patience);
    }
    if (!"cpu".equals(device) && !"cuda".equals(device)) {
      throw new IllegalArgumentException("device must be cpu or cuda, was " + device);
    }
  }

  /** The defaults listed in the class comment. */
  public static TrainingConfig defaults() {
    return new TrainingConfig(3, 32, 1e-3, 0.01, 0.9, 0.999, 1e-8, 0.1, 2, 0L, true, true, "cpu");
  }

  /** With another number of epochs. */
  public TrainingConfig withEpochs(int n) {
    return new TrainingConfig(
        n,
        batchSize,
        learningRate,
        weightDecay,
        beta1,
        beta2,
        epsilon,
        heldOutFraction,
        patience,
        seed,
        cacheFeatures,
        resume,
        device);
  }

  /** With another batch size. */
  public TrainingConfig withBatchSize(int n) {
    return new TrainingConfig(
        epochs,
        n,
        learningRate,
        weightDecay,
        beta1,
        beta2,
        epsilon,
        heldOutFraction,
        patience,
        seed,
        cacheFeatures,
        resume,
        device);
  }

  /** With another learning rate. */
  public TrainingConfig withLearningRate(double lr) {
    return new TrainingConfig(
        epochs,
        batchSize,
        lr,
        weightDecay,
        beta1,
        beta2,
        epsilon,
        heldOutFraction,
        patience,
        seed,
        cacheFeatures,
        resume,
        device);
  }

  /** With another weight decay. */
  public TrainingConfig withWeightDecay(double wd) {
    return new TrainingConfig(
        epochs,
        batchSize,
        learningRate,
        wd,
        beta1,
        beta2,
        epsilon,
        heldOutFraction,
        patience,
        seed,
        cacheFeatures,
        resume,
        device);
  }

  /** With another held-out fraction. */
  public TrainingConfig withHeldOutFraction(double f) {
    return new TrainingConfig(
        epochs,
        batchSize,
        learningRate,
        weightDecay,
        beta1,
        beta2,
        epsilon,
        f,
        patience,
        seed,
        cacheFeatures,
        resume,
        device);
  }

  /** With another patience. */
  public TrainingConfig withPatience(int p) {
    return new TrainingConfig(
        epochs,
        batchSize,
        learningRate,
        weightDecay,
        beta1,
        beta2,
        epsilon,
        heldOutFraction,
        p,
        seed,
        cacheFeatures,
        resume,
        device);
  }

  /** With another seed. */
  public TrainingConfig withSeed(long s) {
    return new TrainingConfig(
        epochs,
        batchSize,
        learningRate,
        weightDecay,
        beta1,
        beta2,
        epsilon,
        heldOutFraction,
        patience,
        s,
        cacheFeatures,
        resume,
        device);
  }

  /** With feature caching on or off. */
  public TrainingConfig withCacheFeatures(boolean c) {
    return new TrainingConfig(
        epochs,
        batchSize,
        learningRate,
        weightDecay,
        beta1,
        beta2,
        epsilon,
        heldOutFraction,
        patience,
        seed,
        c,
        resume,
        device);
  }

  /** With resuming on or off. */
  public TrainingConfig withResume(boolean r) {
    return new TrainingConfig(
        epochs,
        batchSize,
        learningRate,
        weightDecay,
        beta1,
        beta2,
        epsilon,
        heldOutFraction,
        patience,
        seed,
        cacheFeatures,
        r,
        device);
  }

  /** On another device. */
  public TrainingConfig withDevice(String d) {
    return new TrainingConfig(
        epochs,
        batchSize,
        learningRate,
        weightDecay,
        beta1,
        beta2,
        epsilon,
        heldOutFraction,
        patience,
        seed,
        cacheFeatures,
        resume,
        d);
  }
}
