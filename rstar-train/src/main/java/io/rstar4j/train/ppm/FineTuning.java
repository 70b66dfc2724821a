package io.rstar4j.train.ppm;

import io.rstar4j.core.internal.Checks;
import java.util.Objects;

/**
 * How a PPM backbone is fine-tuned with its head ({@link PpmTrainer#fineTune}).
 *
 * @param mode {@link TrainMode#FULL} or {@link TrainMode#LORA} ({@link TrainMode#HEAD} is {@link
 *     PpmTrainer#train})
 * @param loraRank the adapters' rank (LoRA only)
 * @param loraAlpha the adapters' scale numerator: an adapter adds {@code (alpha / rank) * x A B}
 * @param headDropout dropout on the hidden state before the head while training (the reference's
 *     0.1)
 */
public record FineTuning(TrainMode mode, int loraRank, double loraAlpha, double headDropout) {
  /**
   * Validates.
   *
   * @throws IllegalArgumentException on the head mode, a rank below 1, a non-positive alpha or a
   *     dropout outside [0, 1)
   * @throws NullPointerException if mode is null
   */
  public FineTuning {
    Objects.requireNonNull(mode, "mode");
    if (mode == TrainMode.HEAD) {
      throw new IllegalArgumentException(
          "head-only training runs on frozen features: use PpmTrainer.train");
    }
    Checks.positive("loraRank", loraRank);
    Checks.finitePositive("loraAlpha", loraAlpha);
    Checks.inRange("headDropout", headDropout, 0, Math.nextDown(1.0));
  }

  /** Full fine-tuning with the reference's head dropout 0.1. */
  public static FineTuning full() {
    return new FineTuning(TrainMode.FULL, 8, 16, 0.1);
  }

  /**
   * LoRA of this rank, alpha {@code 2 * rank}, head dropout 0.1.
   *
   * @throws IllegalArgumentException if the rank is below 1
   */
  public static FineTuning lora(int rank) {
    return new FineTuning(TrainMode.LORA, rank, 2.0 * rank, 0.1);
  }
}
