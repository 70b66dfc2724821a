package io.rstar4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.PromptTemplate;
import io.rstar4j.train.data.PreferencePair;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train-ppm and score on the real quantized all-MiniLM-L6-v2 encoder, as a new user runs them. */
class PpmCommandsTest {
  @TempDir static Path dir;
  static Path backbone;

  @BeforeAll
  static void backbone() throws IOException {
    backbone = dir.resolve("minilm");
    Files.createDirectories(backbone);
    copy("/all-minilm-l6-v2-q.onnx", backbone.resolve("model.onnx"));
    copy("/all-minilm-l6-v2-q-tokenizer.json", backbone.resolve("tokenizer.json"));
  }

  private static void copy(String resource, Path to) throws IOException {
    try (InputStream in = PpmCommandsTest.class.getResourceAsStream(resource)) {
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static String pairsFile(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      String prompt = PromptTemplate.TRAINING.head("Question " + i + ": add " + i + " and 3.");
      sb.append(
              new PreferencePair(
                      prompt,
                      "<code>\nx = undefined_variable\n<end_of_code>\n<output>NameError: name 'undefined_variable' is not defined<end_of_output>",
                      "<code>\nx = "
                          + i
                          + " + 3\nprint(x)\n<end_of_code>\n<output>"
                          + (i + 3)
                          + "<end_of_output>",
                      1,
                      2)
                  .toJsonLine())
          .append('\n');
    }
    return sb.toString();
  }

  @Test
  void trainPpmThenScore() throws IOException {
    Path pairs = dir.resolve("pairs.jsonl");
    String[] good = pairsFile(24).split("\n");
    String longPrompt = PromptTemplate.TRAINING.head("long " + "word ".repeat(200));
    String content =
        good[0]
            + "\n{\"prompt\": 3}\n"
            + String.join("\n", List.of(good).subList(1, good.length))
            + "\n"
            + new PreferencePair(
                    longPrompt, "<code>\nbad\n<end_of_step>", "<code>\ngood\n<end_of_step>", 1, 1)
                .toJsonLine()
            + "\n";
    Files.writeString(pairs, content);
    Path out = dir.resolve("ppm");
    ExtractCommandTest.Result r =
        ExtractCommandTest.run(
            "",
            "train-ppm",
            "--backbone",
            backbone.toString(),
            "--pairs",
            pairs.toString(),
            "--out",
            out.toString(),
            "--epochs",
            "3",
            "--lr",
            "0.01",
            "--batch",
            "8",
            "--context",
            "128");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains(pairs + ":2: skipped"), r.err());
    // the progress bar of epoch 1 at its end, with its elapsed and remaining time
    assertTrue(r.err().contains("epoch 1/3 100% ["), r.err());
    assertTrue(
        r.err().matches("(?s).*\\(\\d+:\\d\\d:\\d\\d / (\\d+:\\d\\d:\\d\\d|\\?)\\).*"), r.err());
    assertTrue(r.err().contains("features 100% [") && r.err().contains("] 50/50 texts"), r.err());
    assertTrue(r.err().contains("loss") && r.err().contains("acc"), r.err());
    assertTrue(r.out().contains("held-out pairwise accuracy: "), r.out());
    assertTrue(r.out().contains("texts cut from the left to the 128-token context: 2"), r.out());
    assertTrue(Files.exists(out.resolve("ppm.json")));
    assertTrue(Files.exists(out.resolve("value_head.json")));
    assertTrue(Files.exists(out.resolve("checkpoint.json")));

    // a second run resumes from the checkpoint and has nothing left to do
    ExtractCommandTest.Result again =
        ExtractCommandTest.run(
            "",
            "train-ppm",
            "--backbone",
            backbone.toString(),
            "--pairs",
            pairs.toString(),
            "--out",
            out.toString(),
            "--epochs",
            "3",
            "--lr",
            "0.01",
            "--batch",
            "8",
            "--context",
            "128");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("resumed after epoch 3"), again.out());

    String good1 =
        "{\"question\": \"Question 1: add 1 and 3.\", \"steps\": [\"<code>\\nx = 1 + 3\\nprint(x)\\n<end_of_code>\\n<output>4<end_of_output>\"]}";
    String bad1 =
        "{\"question\": \"Question 1: add 1 and 3.\", \"steps\": [\"<code>\\nx = undefined_variable\\n<end_of_code>\\n<output>NameError: name 'undefined_variable' is not defined<end_of_output>\"]}";
    String input = good1 + "\n" + "not json\n" + bad1 + "\n{\"question\": \"Q\", \"steps\": []}\n";
    ExtractCommandTest.Result s =
        ExtractCommandTest.run(input, "score", "--ppm", out.toString(), "--batch", "2");
    assertEquals(1, s.code(), s.err());
    assertTrue(s.err().contains("rstar score: <stdin>:2: not valid JSON: "), s.err());
    assertFalse(s.err().contains("gson") || s.err().contains("path $"), s.err());
    assertEquals(1, s.err().lines().filter(l -> l.contains("<stdin>:2")).count(), s.err());
    String[] lines = s.out().split("\n");
    assertEquals(4, lines.length, s.out());
    assertEquals("NaN", lines[1]);
    double pos = Double.parseDouble(lines[0]);
    double neg = Double.parseDouble(lines[2]);
    assertTrue(pos > neg, "the trained PPM prefers the working step: " + pos + " vs " + neg);
    assertTrue(pos > -1 && pos < 1 && neg > -1 && neg < 1);
    // one text per model call: a line's score does not depend on its neighbours (with batches, the
    // quantized encoder's dynamic activation scales depend on the whole batch)
    ExtractCommandTest.Result one =
        ExtractCommandTest.run(input, "score", "--ppm", out.toString(), "--batch", "1");
    ExtractCommandTest.Result alone =
        ExtractCommandTest.run(bad1 + "\n", "score", "--ppm", out.toString(), "--batch", "1");
    assertEquals(0, alone.code(), alone.err());
    assertEquals(one.out().split("\n")[2], alone.out().trim());
    assertEquals(neg, Double.parseDouble(alone.out().trim()), 0.1);
    // by default a quantized backbone scores one text per call: the same score with or without
    // neighbours, whatever the input's size
    ExtractCommandTest.Result byDefault =
        ExtractCommandTest.run(input, "score", "--ppm", out.toString());
    assertEquals(one.out(), byDefault.out());
    assertEquals(alone.out().trim(), byDefault.out().split("\n")[2]);

    // fields are checked at the boundary: steps must be a list of strings
    ExtractCommandTest.Result noSteps =
        ExtractCommandTest.run(
            "{\"question\": \"Q\"}\n{\"question\": \"Q\", \"steps\": \"x\"}\n"
                + "{\"question\": 3, \"steps\": []}\n{\"question\": \"Q\", \"steps\": [1]}\n",
            "score",
            "--ppm",
            out.toString());
    assertEquals(1, noSteps.code());
    assertEquals("NaN\nNaN\nNaN\nNaN\n", noSteps.out());
    assertEquals(
        List.of(
            "rstar score: <stdin>:1: field steps: expected a list of strings (possibly empty), got"
                + " nothing (the field is missing)",
            "rstar score: <stdin>:2: field steps: expected a list of strings (possibly empty), got"
                + " a string",
            "rstar score: <stdin>:3: field question: expected a string, got a number",
            "rstar score: <stdin>:4: field steps[0]: expected a string, got a number"),
        noSteps.err().lines().filter(l -> l.startsWith("rstar score: <stdin>")).toList());
  }

  @Test
  void badInputsGiveClearErrors() throws IOException {
    Path empty = dir.resolve("empty.jsonl");
    Files.writeString(empty, "");
    ExtractCommandTest.Result r =
        ExtractCommandTest.run(
            "",
            "train-ppm",
            "--backbone",
            backbone.toString(),
            "--pairs",
            empty.toString(),
            "--out",
            dir.resolve("o1").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("no preference pairs"), r.err());

    ExtractCommandTest.Result noBackbone =
        ExtractCommandTest.run(
            "",
            "train-ppm",
            "--backbone",
            dir.resolve("nope").toString(),
            "--pairs",
            empty.toString(),
            "--out",
            dir.resolve("o2").toString());
    assertEquals(1, noBackbone.code());
    assertTrue(noBackbone.err().contains("no such backbone directory"), noBackbone.err());

    ExtractCommandTest.Result usage =
        ExtractCommandTest.run(
            "", "train-ppm", "--backbone", backbone.toString(), "--pairs", empty.toString());
    assertEquals(2, usage.code());
    assertTrue(usage.err().contains("--out"), usage.err());

    // a head made for another hidden size
    Path wrong = dir.resolve("wrong-head");
    Files.createDirectories(wrong);
    Files.writeString(
        wrong.resolve("ppm.json"),
        "{\"backbone\": \"" + backbone.toString().replace("\\", "\\\\") + "\"}");
    Files.writeString(
        wrong.resolve("value_head.json"), "{\"hidden_size\":3,\"bias\":0.0,\"weight\":[1,2,3]}");
    ExtractCommandTest.Result mismatch =
        ExtractCommandTest.run(
            "{\"question\":\"q\",\"steps\":[]}\n", "score", "--ppm", wrong.toString());
    assertEquals(1, mismatch.code());
    assertTrue(mismatch.err().contains("hidden size mismatch"), mismatch.err());
    assertTrue(mismatch.err().contains("384"), mismatch.err());
  }

  @Test
  void extractThenTrainThenScoreAsANewUserWould() throws IOException {
    Path trees = dir.resolve("trees.jsonl");
    Files.writeString(trees, GoldenFiles.trees());
    Path pairs = dir.resolve("pipeline/pairs.jsonl");
    Path sft = dir.resolve("pipeline/sft.jsonl");
    ExtractCommandTest.Result x =
        ExtractCommandTest.run(
            "",
            "extract",
            "--trees",
            trees.toString(),
            "--sft",
            sft.toString(),
            "--pairs",
            pairs.toString());
    assertEquals(0, x.code(), x.err());
    Path ppm = dir.resolve("pipeline/ppm");
    ExtractCommandTest.Result t =
        ExtractCommandTest.run(
            "",
            "train-ppm",
            "--backbone",
            backbone.toString(),
            "--pairs",
            pairs.toString(),
            "--out",
            ppm.toString(),
            "--epochs",
            "2",
            "--batch",
            "2");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("4 training pairs, 1 held out"), t.out());
    String line =
        "{\"question\": \"Held-out golden problem (seed 901): compute the requested quantity.\","
            + " \"steps\": [\"<code>\\nv2 = 40 - 16\\nprint(v2)\\n<end_of_code>\\n<output>24<end_of_output>\"]}";
    ExtractCommandTest.Result s =
        ExtractCommandTest.run(line + "\n" + line + "\n", "score", "--ppm", ppm.toString());
    assertEquals(0, s.code(), s.err());
    String[] scores = s.out().split("\n");
    assertEquals(2, scores.length);
    assertEquals(scores[0], scores[1]);
    double v = Double.parseDouble(scores[0]);
    assertTrue(v > -1 && v < 1);
  }
}
