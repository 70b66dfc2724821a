package io.rstar4j.train.data;

import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.tree.ReasoningTree;
import io.rstar4j.core.tree.ReasoningTrees;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Streams saved trees (one JSON object per line, {@link ReasoningTrees}) into SFT records and
 * preference pairs (one JSON object per line each), one tree at a time: memory holds one tree, not
 * the file. Output order follows input order; a malformed line is reported with its number and
 * skipped.
 */
public final class TrainingDataExtractor {
  private static final System.Logger LOG = System.getLogger(TrainingDataExtractor.class.getName());

  private final ExtractionConfig config;
  private final AnswerGrader grader;

  /**
   * An extractor with the given rules and answer grader: the one place extraction's grader is set.
   *
   * @param grader decides whether an answer leaf matches a gold answer in SFT selection ({@link
   *     AnswerGrader#whitespaceInsensitive()} is the golden-tree scripts' rule; pass the grader the
   *     search used)
   * @throws NullPointerException if an argument is null
   */
  public TrainingDataExtractor(ExtractionConfig config, AnswerGrader grader) {
    this.config = Objects.requireNonNull(config, "config");
    this.grader = Objects.requireNonNull(grader, "grader");
  }

  /** The rules in use. */
  public ExtractionConfig config() {
    return config;
  }

  /** The answer grader in use. */
  public AnswerGrader grader() {
    return grader;
  }

  /**
   * Reads every tree line and writes the records. Blank lines are ignored.
   *
   * @param trees the saved trees
   * @param sft where SFT records go, or null to skip them
   * @param pairs where filtered preference pairs go, or null to skip them
   * @param unfiltered where the pairs before the filter go, or null to skip them
   * @param onError told of each malformed line as it is met (may be null)
   * @return counts and the malformed lines
   * @throws UncheckedIOException when reading or writing fails
   */
  public ExtractionSummary extract(
      BufferedReader trees,
      Writer sft,
      Writer pairs,
      Writer unfiltered,
      Consumer<LineError> onError) {
    Objects.requireNonNull(trees, "trees");
    List<LineError> errors = new ArrayList<>();
    long lineNo = 0;
    long nTrees = 0;
    long nSft = 0;
    long nPairs = 0;
    long nCandidates = 0;
    try {
      String line;
      while ((line = trees.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        ReasoningTree tree;
        try {
          tree = ReasoningTrees.fromJsonLine(line);
        } catch (RuntimeException e) {
          LineError err = new LineError(lineNo, "malformed tree: " + message(e));
          LOG.log(System.Logger.Level.WARNING, err.toString());
          errors.add(err);
          if (onError != null) {
            onError.accept(err);
          }
          continue;
        }
        ExtractionSummary one = write(tree, sft, pairs, unfiltered);
        nTrees++;
        nSft += one.sftRecords();
        nPairs += one.pairs();
        nCandidates += one.candidatePairs();
      }
      for (Writer w : new Writer[] {sft, pairs, unfiltered}) {
        if (w != null) {
          w.flush();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ExtractionSummary(nTrees, nSft, nPairs, nCandidates, errors);
  }

  /**
   * Writes the records of one tree (what {@link #extract} writes for each line), without flushing.
   * {@code rstar extract} reaches this through {@link #extract}; a caller that holds a tree (a
   * search just run, {@code rstar mcts-replay}) calls it directly.
   *
   * @param sft where SFT records go, or null to skip them
   * @param pairs where filtered preference pairs go, or null to skip them
   * @param unfiltered where the pairs before the filter go, or null to skip them
   * @return the counts for this tree (one tree, no malformed lines)
   * @throws NullPointerException if the tree is null
   * @throws IOException when writing fails
   */
  public ExtractionSummary write(ReasoningTree tree, Writer sft, Writer pairs, Writer unfiltered)
      throws IOException {
    Objects.requireNonNull(tree, "tree");
    long nSft = 0;
    long nPairs = 0;
    long nCandidates = 0;
    if (sft != null) {
      for (SftRecord r : SftSelection.select(tree, config, grader)) {
        sft.write(r.toJsonLine());
        sft.write('\n');
        nSft++;
      }
    }
    if (pairs != null || unfiltered != null) {
      for (CandidatePair c : PreferencePairs.candidates(tree, config)) {
        nCandidates++;
        if (unfiltered != null) {
          unfiltered.write(c.toJsonLine());
          unfiltered.write('\n');
        }
        if (PreferencePairs.passesFilter(c, config)) {
          nPairs++;
          if (pairs != null) {
            pairs.write(c.toPair().toJsonLine());
            pairs.write('\n');
          }
        }
      }
    }
    return new ExtractionSummary(1, nSft, nPairs, nCandidates, List.of());
  }

  static String message(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getSimpleName() + " (a required field is missing or has the wrong type)";
    }
    return m;
  }
}
