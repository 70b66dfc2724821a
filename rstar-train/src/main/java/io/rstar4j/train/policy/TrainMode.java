package io.rstar4j.train.policy;

/** What policy fine-tuning trains. */
public enum TrainMode {
  /** Every weight of the decoder (the reference's SFT). */
  FULL,
  /**
   * Low-rank adapters on the attention and MLP projections, the base weights frozen; the adapters
   * are merged into the weights when the export is written.
   */
  LORA
}
