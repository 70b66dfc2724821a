package io.rstar4j.examples.cli;

import io.rstar4j.core.AnswerGrader;
import io.rstar4j.train.data.ExtractionConfig;
import io.rstar4j.train.data.ExtractionSummary;
import io.rstar4j.train.data.LineError;
import io.rstar4j.train.data.TrainingDataExtractor;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code rstar extract}: saved search trees to SFT records and PPM preference pairs. */
final class ExtractCommand implements Command {

  @Override
  public String name() {
    return "extract";
  }

  @Override
  public String summary() {
    return "turn saved search trees into SFT records and PPM preference pairs (JSON lines)";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: rstar extract --trees FILE --sft OUT --pairs OUT [--pairs-unfiltered OUT]",
        "                     [--sft-per-problem 2] [--margin 0.5] [--edit-distance 20]",
        "",
        "Reads saved trees (one JSON object per line; '-' reads standard input) a tree at a time and",
        "writes, in input order:",
        "  --sft OUT               {\"query\",\"response\"} per line: the best correct traces per problem",
        "  --pairs OUT             {\"prompt\",\"neg\",\"pos\",\"neg_count\",\"pos_count\"} per line",
        "  --pairs-unfiltered OUT  the pairs before the margin and edit-distance filter",
        "  --sft-per-problem N     correct traces kept per problem (default 2)",
        "  --margin X              minimum Q margin of a kept pair (default 0.5)",
        "  --edit-distance N       minimum character edit distance between the two steps (default 20)",
        "Malformed lines are reported on stderr with their line number and skipped; a summary follows.");
  }

  @Override
  public int run(List<String> argv, InputStream in, PrintStream out, PrintStream err)
      throws IOException {
    Args args =
        Args.parse(
            argv,
            Set.of(
                "trees",
                "sft",
                "pairs",
                "pairs-unfiltered",
                "sft-per-problem",
                "margin",
                "edit-distance"),
            Set.of());
    String trees = args.require("trees");
    if (!args.has("sft") && !args.has("pairs") && !args.has("pairs-unfiltered")) {
      throw new UsageException("give at least one output: --sft, --pairs or --pairs-unfiltered");
    }
    ExtractionConfig config;
    try {
      config =
          ExtractionConfig.builder()
              .sftPerProblem(args.getInt("sft-per-problem", 2))
              .minStepMargin(args.getDouble("margin", 0.5))
              .minEditDistance(args.getInt("edit-distance", 20))
              .build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
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
        Writer sft = open(args.get("sft", null));
        Writer pairs = open(args.get("pairs", null));
        Writer unfiltered = open(args.get("pairs-unfiltered", null))) {
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
      err.println("rstar extract: " + s.describe());
    }
    return 0;
  }

  private static Writer open(String path) throws IOException {
    if (path == null) {
      return null;
    }
    Path p = Path.of(path);
    if (p.getParent() != null) {
      Files.createDirectories(p.getParent());
    }
    return new BufferedWriter(Files.newBufferedWriter(p, StandardCharsets.UTF_8));
  }
}
