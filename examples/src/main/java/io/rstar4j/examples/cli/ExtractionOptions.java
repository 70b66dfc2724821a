package io.rstar4j.examples.cli;

import io.rstar4j.train.data.ExtractionConfig;
import picocli.CommandLine.Option;

/**
 * The extraction flags that {@code rstar extract} and {@code rstar mcts-replay} share: the three
 * outputs and the rules of {@link ExtractionConfig}, so both commands build their extraction the
 * same way.
 */
final class ExtractionOptions {

  @Option(
      names = "--sft",
      paramLabel = "OUT",
      description = "{\"query\",\"response\"} per line: the best correct traces per problem")
  String sftPath;

  @Option(
      names = "--pairs",
      paramLabel = "OUT",
      description = "{\"prompt\",\"neg\",\"pos\",\"neg_count\",\"pos_count\"} per line")
  String pairsPath;

  @Option(
      names = "--pairs-unfiltered",
      paramLabel = "OUT",
      description = "the pairs before the margin and edit-distance filter")
  String unfilteredPath;

  @Option(
      names = "--sft-per-problem",
      paramLabel = "N",
      defaultValue = "2",
      description = "correct traces kept per problem (default ${DEFAULT-VALUE})")
  int sftPerProblem;

  @Option(
      names = "--margin",
      paramLabel = "X",
      defaultValue = "0.5",
      description = "minimum Q margin of a kept pair (default ${DEFAULT-VALUE})")
  double margin;

  @Option(
      names = "--edit-distance",
      paramLabel = "N",
      defaultValue = "20",
      description =
          "minimum character edit distance between the two steps (default ${DEFAULT-VALUE})")
  int editDistance;

  @Option(
      names = "--sft-replace-dropped",
      arity = "0",
      description =
          "departure from the reference: a kept SFT trace dropped for mentioning 'error' is"
              + " replaced by the next best correct trace")
  boolean replaceDropped;

  @Option(
      names = "--sft-keep-error-traces",
      arity = "0",
      description =
          "departure from the reference: keep correct SFT traces that mention 'error' (an error"
              + " step the search recovered from)")
  boolean keepErrorTraces;

  /** Whether any output was asked for. */
  boolean anyOutput() {
    return sftPath != null || pairsPath != null || unfilteredPath != null;
  }

  /**
   * The extraction rules the flags ask for.
   *
   * @throws UsageException when a value is out of range
   */
  ExtractionConfig config() {
    try {
      ExtractionConfig.Builder b =
          ExtractionConfig.builder()
              .sftPerProblem(sftPerProblem)
              .minStepMargin(margin)
              .minEditDistance(editDistance);
      if (replaceDropped) {
        b.droppedTraces(ExtractionConfig.DroppedTraces.REPLACED);
      }
      if (keepErrorTraces) {
        b.excludedSubstring("");
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
