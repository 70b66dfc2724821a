package io.rstar4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rstar train-policy} as a new user runs it: make-tiny-model, train, generate. */
class TrainPolicyCommandTest {
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Rstar.run(
            List.of(args),
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void trainsPrintsOneJsonSummaryAndTheOutputLoadsInGenerate() throws Exception {
    Path model = tmp.resolve("tiny");
    assertEquals(0, run("make-tiny-model", "--out", model.toString()).code());
    Path sft = tmp.resolve("sft.jsonl");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      lines.add("{\"query\":\"What is 2 + 3?\",\"response\":\"<answer>5<end_of_answer>\"}");
    }
    lines.add(1, "{\"query\": broken");
    lines.add("{\"query\":\"long\",\"response\":\"" + "x".repeat(200) + "\"}");
    Files.write(sft, lines, StandardCharsets.UTF_8);
    Path out = tmp.resolve("trained");
    String[] args = {
      "train-policy",
      "--sft",
      sft.toString(),
      "--model",
      model.toString(),
      "--out",
      out.toString(),
      "--epochs",
      "2",
      "--lr",
      "0.003",
      "--batch",
      "2",
      "--max-length",
      "120",
      "--seed",
      "1",
      "--train",
      "full",
      "--device",
      "cpu"
    };
    Run r = run(args);
    assertEquals(0, r.code(), r.err());
    String[] stdout = r.out().strip().split("\n");
    assertEquals(1, stdout.length, r.out());
    JsonObject o = JsonParser.parseString(stdout[0]).getAsJsonObject();
    assertEquals(
        List.of("epochs", "train_loss", "heldout_loss", "tokens", "seconds"),
        new ArrayList<>(o.keySet()));
    assertEquals(2, o.get("epochs").getAsInt());
    assertTrue(o.get("train_loss").getAsDouble() > 0);
    assertTrue(o.get("tokens").getAsLong() > 0);
    assertTrue(r.err().contains(sft + ":2: skipped: malformed SFT record"), r.err());
    assertTrue(r.err().contains("1 records longer than the maximum length were cut"), r.err());
    assertTrue(r.err().contains("epoch 2/2: train loss"), r.err());

    Run g = run("generate", "--model", out.toString(), "--prompt", "Hello", "--max-tokens", "3");
    assertEquals(0, g.code(), g.err());

    // The same command again: the run is complete, the same summary; other options: refused.
    Run again = run(args);
    assertEquals(0, again.code(), again.err());
    JsonObject o2 = JsonParser.parseString(again.out().strip()).getAsJsonObject();
    assertEquals(o.get("train_loss"), o2.get("train_loss"));
    String[] other = args.clone();
    other[8] = "3";
    Run refused = run(other);
    assertEquals(1, refused.code());
    assertTrue(refused.err().contains("holds another training run"), refused.err());
    assertEquals("", refused.out());
  }

  @Test
  void badOptionsAreUsageErrors() {
    String missing = tmp.resolve("missing").toString();
    String[] base = {"train-policy", "--sft", missing, "--model", missing, "--out", missing};
    assertEquals(2, run(concat(base, "--train", "half")).code());
    assertEquals(2, run(concat(base, "--device", "tpu")).code());
    assertEquals(2, run(concat(base, "--epochs", "0")).code());
    assertEquals(2, run(concat(base, "--lr", "-1")).code());
    assertEquals(2, run("train-policy", "--model", missing, "--out", missing).code());
    Run r = run(base);
    assertEquals(1, r.code());
    assertTrue(r.err().contains("no such SFT file: " + missing), r.err());
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
