package io.rstar4j.train.policy;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a policy fine-tuning run did.
 *
 * @param output the written export directory
 * @param epochs epochs done in total (those of a resumed run's earlier process included)
 * @param trainLoss the last epoch's mean token loss on the training records
 * @param heldOutLoss the last epoch's mean token loss on the held-out records (NaN without any)
 * @param tokens tokens trained on, over all epochs (prompt and response tokens)
 * @param seconds training time, over all processes of a resumed run
 * @param trainRecords records trained on
 * @param heldOutRecords records held out
 * @param truncated records longer than the maximum length, cut from the right
 * @param dropped records whose prompt alone filled the maximum length (not used)
 * @param resumedFromEpoch the epochs a checkpoint held when this process started (0: a fresh run)
 * @param history every epoch's losses, in order
 */
public record SftResult(
    Path output,
    int epochs,
    double trainLoss,
    double heldOutLoss,
    long tokens,
    double seconds,
    int trainRecords,
    int heldOutRecords,
    int truncated,
    int dropped,
    int resumedFromEpoch,
    List<Epoch> history) {

  /**
   * @throws NullPointerException if output or history is null
   */
  public SftResult {
    Objects.requireNonNull(output, "output");
    history = List.copyOf(history);
  }

  /**
   * One epoch's losses.
   *
   * @param epoch the epoch, from 1
   * @param trainLoss mean token loss over the epoch's steps
   * @param heldOutLoss mean token loss on the held-out records after the epoch (NaN without any)
   */
  public record Epoch(int epoch, double trainLoss, double heldOutLoss) {}
}
