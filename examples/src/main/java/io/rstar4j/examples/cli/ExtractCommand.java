package io.rstar4j.examples.cli;

import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.io.OutputPaths;
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
import picocli.CommandLine.Mixin;
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

  @Mixin ExtractionOptions outputs;

  @Override
  public boolean ignoresArguments() {
    return true;
  }

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) throws IOException {
    if (!outputs.anyOutput()) {
      throw new UsageException("give at least one output: --sft, --pairs or --pairs-unfiltered");
    }
    ExtractionConfig config = outputs.config();
    SearchSetup.checkOutputs(
        new OutputPaths()
            .input("--trees", trees.equals("-") ? null : Path.of(trees))
            .outputFile("--sft", outputs.sftPath == null ? null : Path.of(outputs.sftPath))
            .outputFile("--pairs", outputs.pairsPath == null ? null : Path.of(outputs.pairsPath))
            .outputFile(
                "--pairs-unfiltered",
                outputs.unfilteredPath == null ? null : Path.of(outputs.unfilteredPath)));
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
        AtomicOutputs files = new AtomicOutputs()) {
      Writer sft = files.open(outputs.sftPath);
      Writer pairs = files.open(outputs.pairsPath);
      Writer unfiltered = files.open(outputs.unfilteredPath);
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
      files.commit();
      err.println("rstar extract: " + s.describe());
    }
    return 0;
  }
}
