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
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rstar make-tiny-model} and {@code rstar generate} as a new user runs them. */
class ModelCommandsTest {
  @TempDir static Path tmp;
  static Path model;

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

  @BeforeAll
  static void makeModel() {
    model = tmp.resolve("tiny");
    Run r = run("make-tiny-model", "--out", model.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(model.toString(), r.out().strip());
  }

  @Test
  void makeTinyModelWritesACompleteExport() {
    for (String f : List.of("model.onnx", "tokenizer.json", "config.json")) {
      assertTrue(Files.isRegularFile(model.resolve(f)), f);
    }
    assertEquals(
        2, run("make-tiny-model", "--out", tmp.resolve("x").toString(), "--size", "huge").code());
    assertEquals(2, run("make-tiny-model").code());
  }

  @Test
  void generatePrintsOneJsonLinePerSample() {
    Run r =
        run(
            "generate",
            "--model",
            model.toString(),
            "--prompt",
            "Hello there",
            "--n",
            "3",
            "--max-tokens",
            "6",
            "--temperature",
            "0.8",
            "--seed",
            "4");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().strip().split("\n");
    assertEquals(3, lines.length);
    for (int i = 0; i < 3; i++) {
      JsonObject o = JsonParser.parseString(lines[i]).getAsJsonObject();
      assertEquals(i, o.get("index").getAsInt());
      assertTrue(o.has("text"));
      int toks = o.get("completion_tokens").getAsInt();
      assertTrue(toks >= 1 && toks <= 6);
      assertEquals(
          io.rstar4j.core.tokenizer.Tokenizers.fromFile(model).encode("Hello there").length,
          o.get("prompt_tokens").getAsInt());
      String reason = o.get("stop_reason").getAsString();
      assertTrue(List.of("max_tokens", "end_of_sequence", "stop_string").contains(reason));
    }
    assertTrue(r.err().contains("tokens/s"), r.err());
    assertEquals(
        r.out(),
        run(
                "generate",
                "--model",
                model.toString(),
                "--prompt",
                "Hello there",
                "--n",
                "3",
                "--max-tokens",
                "6",
                "--temperature",
                "0.8",
                "--seed",
                "4")
            .out());
  }

  @Test
  void generateStopsAtAStopStringAndKeepsIt() {
    Run free =
        run(
            "generate",
            "--model",
            model.toString(),
            "--prompt",
            "Hello there",
            "--temperature",
            "0",
            "--max-tokens",
            "30");
    assertEquals(0, free.code(), free.err());
    String text =
        JsonParser.parseString(free.out().strip()).getAsJsonObject().get("text").getAsString();
    int at = -1;
    for (int i = 2; i + 2 <= text.length(); i++) {
      String s = text.substring(i, i + 2);
      if (text.indexOf(s) == i && s.chars().allMatch(ch -> ch > 32 && ch < 127)) {
        at = i;
        break;
      }
    }
    assertTrue(at > 0, text);
    String stop = text.substring(at, at + 2);
    Run cut =
        run(
            "generate",
            "--model",
            model.toString(),
            "--prompt",
            "Hello there",
            "--temperature",
            "0",
            "--max-tokens",
            "30",
            "--stop",
            stop);
    JsonObject o = JsonParser.parseString(cut.out().strip()).getAsJsonObject();
    assertEquals("stop_string", o.get("stop_reason").getAsString());
    assertEquals(text.substring(0, at + 2), o.get("text").getAsString());
  }

  @Test
  void generateErrorsAreClear() {
    Run missing = run("generate", "--model", tmp.resolve("nope").toString(), "--prompt", "x");
    assertEquals(1, missing.code());
    assertTrue(
        missing.err().contains("nope") && missing.err().contains("does not exist"), missing.err());
    Run noPrompt = run("generate", "--model", model.toString());
    assertEquals(2, noPrompt.code());
    assertTrue(noPrompt.err().contains("--prompt"), noPrompt.err());
    Run empty = run("generate", "--model", model.toString(), "--prompt", "");
    assertEquals(1, empty.code());
    assertTrue(empty.err().contains("empty"), empty.err());
    Run badT = run("generate", "--model", model.toString(), "--prompt", "x", "--temperature", "-1");
    assertEquals(2, badT.code());
    assertTrue(badT.err().contains("temperature"), badT.err());
    Run tooLong = run("generate", "--model", model.toString(), "--prompt", "y".repeat(3000));
    assertEquals(1, tooLong.code());
    assertTrue(tooLong.err().contains("context"), tooLong.err());
  }
}
