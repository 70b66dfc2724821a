package io.rstar4j.train.data;

import java.util.List;

/**
 * What one extraction run read and wrote.
 *
 * @param trees trees read and processed
 * @param sftRecords SFT records written
 * @param pairs filtered preference pairs written
 * @param candidatePairs pairs before the filter
 * @param errors malformed lines, skipped
 */
public record ExtractionSummary(
    long trees, long sftRecords, long pairs, long candidatePairs, List<LineError> errors) {
  public ExtractionSummary {
    errors = List.copyOf(errors);
  }

  /** One line for humans. */
  public String describe() {
    return String.format(
        "%d trees: %d SFT records, %d preference pairs (%d before the filter), %d malformed lines skipped",
        trees, sftRecords, pairs, candidatePairs, errors.size());
  }
}
