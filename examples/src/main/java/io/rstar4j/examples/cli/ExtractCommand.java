package io.rstar4j.examples.cli;

import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.internal.AtomicFiles;
import io.rstar4j.core.internal.OutputPaths;
import io.rstar4j.train.data.ExtractionConfig;
import io.rstar4j.train.data.ExtractionSummary;
import io.rstar4j.train.data.LineError;
import io.rstar4j.train.data.TrainingDataExtractor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rstar extract}: saved search trees to SFT records and PPM preference pairs. */
@Command(
    name = "extract",
    description = {
      "turn saved search trees into SFT records and PPM preference pairs (JSON lines)",
      "",
      "Reads saved trees (one JSON object per line; '-' reads standard input) a tree at a time and"
          + " writes, in input order, the outputs asked for. Malformed lines are reported on stderr"
          + " with their line number and skipped; a summary follows."
    })
final class ExtractCommand implements RstarCommand {

  @Option(names = "--trees", required = true, paramLabel = "FILE", description = "saved trees")
  String trees;

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

  @Override
  public boolean ignoresArguments() {
    return true;
  }

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) throws IOException {
    if (sftPath == null && pairsPath == null && unfilteredPath == null) {
      throw new UsageException("give at least one output: --sft, --pairs or --pairs-unfiltered");
    }
    ExtractionConfig config;
    try {
      config =
          ExtractionConfig.builder()
              .sftPerProblem(sftPerProblem)
              .minStepMargin(margin)
              .minEditDistance(editDistance)
              .build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    SearchSetup.checkOutputs(
        new OutputPaths()
            .input("--trees", trees.equals("-") ? null : Path.of(trees))
            .outputFile("--sft", sftPath == null ? null : Path.of(sftPath))
            .outputFile("--pairs", pairsPath == null ? null : Path.of(pairsPath))
            .outputFile(
                "--pairs-unfiltered", unfilteredPath == null ? null : Path.of(unfilteredPath)));
    BufferedReader reader;
    if (trees.equals("-")) {
      reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    } else {
      try {
        reader = Files.newBufferedReader(Path.of(trees), StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        err.println("rstar extract: no such file: " + trees);
        return 1;
      }
    }
    try (reader;
        AtomicFiles.Output sftOut = open(sftPath);
        AtomicFiles.Output pairsOut = open(pairsPath);
        AtomicFiles.Output unfilteredOut = open(unfilteredPath)) {
      Writer sft = sftOut == null ? null : sftOut.writer();
      Writer pairs = pairsOut == null ? null : pairsOut.writer();
      Writer unfiltered = unfilteredOut == null ? null : unfilteredOut.writer();
      String source = trees.equals("-") ? "<stdin>" : trees;
      ExtractionSummary s =
          new TrainingDataExtractor(config, AnswerGrader.whitespaceInsensitive())
              .extract(
                  reader,
                  sft,
                  pairs,
                  unfiltered,
                  (LineError e) ->
                      err.println(
                          "rstar extract: "
                              + source
                              + ":"
                              + e.line()
                              + ": skipped: "
                              + e.message()));
      for (AtomicFiles.Output o : new AtomicFiles.Output[] {sftOut, pairsOut, unfilteredOut}) {
        if (o != null) {
          o.commit();
        }
      }
      err.println("rstar extract: " + s.describe());
    }
    return 0;
  }

  /** An atomic output: nothing replaces the file until the extraction has finished. */
  private static AtomicFiles.Output open(String path) throws IOException {
    return path == null ? null : AtomicFiles.open(Path.of(path));
  }
}
