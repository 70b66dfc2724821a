package io.rstar4j.examples.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.rstar4j.core.tokenizer.Tokenizers;
import io.rstar4j.train.ppm.ProcessPreferenceModel;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rstar score}: PPM scores of partial solutions read as JSON lines. */
@Command(
    name = "score",
    description = {
      "score partial solutions with a Process Preference Model, one score per input line",
      "",
      "Reads JSON lines {\"question\": \"...\", \"steps\": [\"<code>...<end_of_step>\", ...]} from"
          + " standard input (or --input FILE) and prints one score per line, in order: tanh(r/5)"
          + " of the value head's raw output r on the training prompt followed by the steps' texts"
          + " joined as they are (or r itself with --raw). A malformed line prints NaN and is"
          + " reported on stderr with its number (exit code 1); blank lines are skipped."
    })
final class ScoreCommand implements RstarCommand {

  @Option(
      names = "--ppm",
      required = true,
      paramLabel = "DIR",
      description =
          "a directory written by rstar train-ppm (ppm.json + value_head.json), or a backbone"
              + " directory with value_head.json, or a merged model")
  Path dir;

  @Option(names = "--input", paramLabel = "FILE", description = "read FILE instead of stdin")
  Path input;

  @Option(
      names = "--batch",
      paramLabel = "N",
      description =
          "prompts per model call (default 16, and 1 for a backbone that quantizes activations"
              + " per batch, so that a score never depends on its neighbours; a larger N there"
              + " trades that for speed)")
  Integer batch;

  @Option(names = "--raw", arity = "0", description = "print r instead of tanh(r/5)")
  boolean raw;

  @Override
  public boolean ignoresArguments() {
    return true;
  }

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) throws Exception {
    if (batch != null && batch < 1) {
      throw new UsageException("--batch must be >= 1");
    }
    BufferedReader reader;
    if (input != null) {
      Path f = input;
      if (!Files.isRegularFile(f)) {
        err.println("rstar score: no such input file: " + f);
        return 1;
      }
      reader = Files.newBufferedReader(f, StandardCharsets.UTF_8);
    } else {
      reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
    int failures = 0;
    try (reader;
        ProcessPreferenceModel ppm =
            ProcessPreferenceModel.load(
                dir,
                Tokenizers::fromFile,
                batch == null ? null : s -> s.toBuilder().batchSize(batch).build())) {
      List<String> prompts = new ArrayList<>();
      List<Boolean> ok = new ArrayList<>();
      JsonLines.LineReader lines =
          JsonLines.reader(
              reader, input != null ? input.toString() : "<stdin>", JsonLines.Breaks.ANY);
      for (JsonLines.Line line; (line = lines.next()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        try {
          prompts.add(promptOf(ppm, line));
          ok.add(true);
        } catch (JsonLines.LineException e) {
          err.println("rstar score: " + e.getMessage());
          prompts.add(null);
          ok.add(false);
          failures++;
        } catch (IllegalArgumentException | IllegalStateException e) {
          err.println(
              "rstar score: " + line.source() + ":" + line.number() + ": " + e.getMessage());
          prompts.add(null);
          ok.add(false);
          failures++;
        }
        if (prompts.size() >= (batch != null ? batch : 16)) {
          flush(ppm, prompts, ok, raw, out);
        }
      }
      flush(ppm, prompts, ok, raw, out);
      if (ppm.truncatedTexts() > 0) {
        err.println(
            "rstar score: "
                + ppm.truncatedTexts()
                + " prompts were cut from the left to fit the backbone's context");
      }
    }
    return failures == 0 ? 0 : 1;
  }

  /**
   * The prompt of a {@code {"question": string, "steps": [string, ...]}} line.
   *
   * @throws JsonLines.LineException "FILE:LINE: field X: expected ..., got ..."
   */
  private static String promptOf(ProcessPreferenceModel ppm, JsonLines.Line line) {
    JsonObject o = line.object("{\"question\", \"steps\"}");
    JsonElement q = o.get("question");
    if (q == null || !q.isJsonPrimitive() || !q.getAsJsonPrimitive().isString()) {
      throw line.error("field question: expected a string, got " + JsonLines.describe(q));
    }
    JsonElement s = o.get("steps");
    if (s == null || !s.isJsonArray()) {
      throw line.error(
          "field steps: expected a list of strings (possibly empty), got " + JsonLines.describe(s));
    }
    StringBuilder steps = new StringBuilder();
    int i = 0;
    for (JsonElement x : s.getAsJsonArray()) {
      if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isString()) {
        throw line.error("field steps[" + i + "]: expected a string, got " + JsonLines.describe(x));
      }
      steps.append(x.getAsString());
      i++;
    }
    return ppm.promptOf(q.getAsString(), steps.toString());
  }

  private static void flush(
      ProcessPreferenceModel ppm,
      List<String> prompts,
      List<Boolean> ok,
      boolean raw,
      PrintStream out) {
    List<String> good = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      if (ok.get(i)) {
        good.add(prompts.get(i));
      }
    }
    double[] scores = raw ? ppm.rawScores(good) : ppm.scoreTexts(good);
    int k = 0;
    for (int i = 0; i < prompts.size(); i++) {
      out.println(ok.get(i) ? Double.toString(scores[k++]) : "NaN");
    }
    out.flush();
    prompts.clear();
    ok.clear();
  }
}
