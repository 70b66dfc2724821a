package io.rstar4j.train.ppm;

import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.SetOnce;
import java.util.Objects;

/**
 * How the value head is fine-tuned. {@link #defaults()}: 3 epochs, batches of 32, AdamW (lr 1e-3,
 * betas 0.9/0.999, eps 1e-8, weight decay 0.01), 10% of the problems held out, early stop after 2
 * epochs without a better held-out loss, features cached, resume from a checkpoint when present,
 * CPU.
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
   * @throws IllegalArgumentException on an out-of-range value (see the parameters)
   * @throws NullPointerException if device is null
   */
  public TrainingConfig {
    epochs = checkEpochs(epochs);
    batchSize = checkBatchSize(batchSize);
    learningRate = checkLearningRate(learningRate);
    weightDecay = checkWeightDecay(weightDecay);
    beta1 = checkBeta("beta1", beta1);
    beta2 = checkBeta("beta2", beta2);
    epsilon = checkEpsilon(epsilon);
    heldOutFraction = checkHeldOutFraction(heldOutFraction);
    patience = checkPatience(patience);
    device = checkDevice(device);
  }

  /** The defaults listed in the class comment. */
  public static TrainingConfig defaults() {
    return builder().build();
  }

  /** A builder starting from {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration (none of its values counts as set). */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.epochs = epochs;
    b.batchSize = batchSize;
    b.learningRate = learningRate;
    b.weightDecay = weightDecay;
    b.beta1 = beta1;
    b.beta2 = beta2;
    b.epsilon = epsilon;
    b.heldOutFraction = heldOutFraction;
    b.patience = patience;
    b.seed = seed;
    b.cacheFeatures = cacheFeatures;
    b.resume = resume;
    b.device = device;
    return b;
  }

  // Each check is written once: the setters fail fast with it and the constructor applies it.

  private static int checkEpochs(int v) {
    return Checks.positive("epochs", v);
  }

  private static int checkBatchSize(int v) {
    return Checks.positive("batchSize", v);
  }

  private static double checkLearningRate(double v) {
    return Checks.finitePositive("learningRate", v);
  }

  private static double checkWeightDecay(double v) {
    return Checks.finiteNonNegative("weightDecay", v);
  }

  private static double checkBeta(String name, double v) {
    return Checks.inHalfOpenRange(name, v, 0, 1);
  }

  private static double checkEpsilon(double v) {
    return Checks.finitePositive("epsilon", v);
  }

  private static double checkHeldOutFraction(double v) {
    return Checks.inHalfOpenRange("heldOutFraction", v, 0, 1);
  }

  private static int checkPatience(int v) {
    return Checks.positive("patience", v);
  }

  static String checkDevice(String v) {
    Objects.requireNonNull(v, "device");
    if (!v.equals("cpu") && !v.equals("cuda")) {
      throw new IllegalArgumentException("device must be cpu or cuda, was " + v);
    }
    return v;
  }

  /**
   * Builder of {@link TrainingConfig}, starting from {@link #defaults()}: every setter validates at
   * once, and setting an option twice fails ("epochs was already set").
   */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private int epochs = 3;
    private int batchSize = 32;
    private double learningRate = 1e-3;
    private double weightDecay = 0.01;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;
    private double heldOutFraction = 0.1;
    private int patience = 2;
    private long seed;
    private boolean cacheFeatures = true;
    private boolean resume = true;
    private String device = "cpu";

    private Builder() {}

    /**
     * Passes over the training pairs.
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder epochs(int v) {
      set.mark("epochs");
      epochs = checkEpochs(v);
      return this;
    }

    /**
     * Pairs per optimizer step.
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder batchSize(int v) {
      set.mark("batchSize");
      batchSize = checkBatchSize(v);
      return this;
    }

    /**
     * The AdamW step size.
     *
     * @throws IllegalArgumentException if not positive and finite
     * @throws IllegalStateException if already set
     */
    public Builder learningRate(double v) {
      set.mark("learningRate");
      learningRate = checkLearningRate(v);
      return this;
    }

    /**
     * AdamW's decoupled weight decay.
     *
     * @throws IllegalArgumentException if negative or not finite
     * @throws IllegalStateException if already set
     */
    public Builder weightDecay(double v) {
      set.mark("weightDecay");
      weightDecay = checkWeightDecay(v);
      return this;
    }

    /**
     * The first- and second-moment decays.
     *
     * @throws IllegalArgumentException if either is outside [0, 1)
     * @throws IllegalStateException if already set
     */
    public Builder betas(double b1, double b2) {
      set.mark("betas");
      beta1 = checkBeta("beta1", b1);
      beta2 = checkBeta("beta2", b2);
      return this;
    }

    /**
     * AdamW's epsilon.
     *
     * @throws IllegalArgumentException if not positive and finite
     * @throws IllegalStateException if already set
     */
    public Builder epsilon(double v) {
      set.mark("epsilon");
      epsilon = checkEpsilon(v);
      return this;
    }

    /**
     * The fraction of the problems held out for evaluation.
     *
     * @throws IllegalArgumentException if outside [0, 1)
     * @throws IllegalStateException if already set
     */
    public Builder heldOutFraction(double v) {
      set.mark("heldOutFraction");
      heldOutFraction = checkHeldOutFraction(v);
      return this;
    }

    /**
     * Epochs without a better held-out loss before stopping.
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder patience(int v) {
      set.mark("patience");
      patience = checkPatience(v);
      return this;
    }

    /**
     * The seed of the split and the shuffles.
     *
     * @throws IllegalStateException if already set
     */
    public Builder seed(long v) {
      set.mark("seed");
      seed = v;
      return this;
    }

    /**
     * Whether each text's backbone features are computed once.
     *
     * @throws IllegalStateException if already set
     */
    public Builder cacheFeatures(boolean v) {
      set.mark("cacheFeatures");
      cacheFeatures = v;
      return this;
    }

    /**
     * Whether training continues from a checkpoint in the output directory.
     *
     * @throws IllegalStateException if already set
     */
    public Builder resume(boolean v) {
      set.mark("resume");
      resume = v;
      return this;
    }

    /**
     * {@code cpu} or {@code cuda} for the training-step graph.
     *
     * @throws NullPointerException if null
     * @throws IllegalArgumentException if neither
     * @throws IllegalStateException if already set
     */
    public Builder device(String v) {
      set.mark("device");
      device = checkDevice(v);
      return this;
    }

    /** The configuration. */
    public TrainingConfig build() {
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
          device);
    }
  }
}
