package io.rstar4j.train.ppm;

import java.util.List;

/**
 * The outcome of value-head training.
 *
 * @param head the head of the best epoch (lowest held-out loss; the last one without held-out
 *     pairs)
 * @param epochs every epoch run in this call (a resumed run lists only the new ones)
 * @param bestEpoch the epoch the head comes from
 * @param heldOutAccuracy the head's held-out pairwise accuracy (NaN without held-out pairs)
 * @param trainPairs pairs trained on
 * @param heldOutPairs pairs held out
 * @param truncatedTexts texts cut from the left to fit the backbone's context
 * @param stoppedEarly whether early stopping ended training
 * @param resumedFromEpoch the last epoch of the checkpoint resumed from, 0 for a fresh start
 * @param featureMisses texts run through the backbone
 * @param featureHits feature lookups served from the cache
 */
public record TrainingResult(
    ValueHead head,
    List<EpochReport> epochs,
    int bestEpoch,
    double heldOutAccuracy,
    int trainPairs,
    int heldOutPairs,
    long truncatedTexts,
    boolean stoppedEarly,
    int resumedFromEpoch,
    long featureMisses,
    long featureHits) {
  public TrainingResult {
    epochs = List.copyOf(epochs);
  }
}
