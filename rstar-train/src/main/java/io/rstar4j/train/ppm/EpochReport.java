package io.rstar4j.train.ppm;

/**
 * One epoch of value-head training.
 *
 * @param epoch 1-based epoch number
 * @param steps optimizer steps so far (all epochs)
 * @param trainLoss mean weighted pairwise loss over the epoch's batches
 * @param trainAccuracy fraction of training pairs with {@code r_pos > r_neg} during the epoch
 * @param heldOutLoss mean weighted pairwise loss on the held-out pairs after the epoch (NaN if
 *     none)
 * @param heldOutAccuracy fraction of held-out pairs with {@code r_pos > r_neg} (NaN if none)
 */
public record EpochReport(
    int epoch,
    long steps,
    double trainLoss,
    double trainAccuracy,
    double heldOutLoss,
    double heldOutAccuracy) {}
