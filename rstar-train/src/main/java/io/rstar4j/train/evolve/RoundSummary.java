package io.rstar4j.train.evolve;

import io.rstar4j.mcts.SearchMode;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What one self-evolution round did.
 *
 * @param round the round, from 1
 * @param mode the search mode it ran
 * @param directory the round's directory
 * @param problems problems searched
 * @param solved problems whose chosen answer matched a gold answer
 * @param sftRecords SFT records extracted
 * @param pairs preference pairs extracted (after the filter)
 * @param ppm the PPM trained on this round's pairs, or null when none was (no pairs, or no
 *     backbone)
 * @param policyUpdate what the policy trainer reported
 * @param resumed whether the round was already complete and only read back
 */
public record RoundSummary(
    int round,
    SearchMode mode,
    Path directory,
    int problems,
    int solved,
    long sftRecords,
    long pairs,
    Path ppm,
    String policyUpdate,
    boolean resumed) {

  /** Validates. */
  public RoundSummary {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(directory, "directory");
  }

  /** One line for humans. */
  public String describe() {
    return String.format(
        java.util.Locale.ROOT,
        "round %d (%s)%s: %d/%d problems solved, %d SFT records, %d preference pairs, PPM %s,"
            + " policy %s",
        round,
        mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
        resumed ? " [already complete]" : "",
        solved,
        problems,
        sftRecords,
        pairs,
        ppm == null ? "not trained" : ppm.toString(),
        policyUpdate);
  }
}
