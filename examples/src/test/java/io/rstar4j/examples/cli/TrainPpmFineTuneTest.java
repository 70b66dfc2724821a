package io.rstar4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import io.rstar4j.core.PromptTemplate;
import io.rstar4j.train.data.PreferencePair;
import io.rstar4j.train.ppm.ProcessPreferenceModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train-ppm --train full|lora on a make-tiny-model export (the policy itself as the backbone), then
 * rstar score on the result, as a new user runs them.
 */
class TrainPpmFineTuneTest {
  @TempDir static Path dir;
  static Path model;
  static Path pairs;

  @BeforeAll
  static void setUp() throws Exception {
    model = dir.resolve("tiny");
    ExtractCommandTest.Result r =
        ExtractCommandTest.run("", "make-tiny-model", "--out", model.toString());
    assertEquals(0, r.code(), r.err());
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      String prompt = PromptTemplate.TRAINING.head("Question " + i + ": add " + i + " and 3.");
      sb.append(
              new PreferencePair(
                      prompt,
                      "<code>\nx = undefined\n<end_of_code>\n<output>NameError<end_of_output>",
                      "<code>\nprint("
                          + i
                          + " + 3)\n<end_of_code>\n<output>"
                          + (i + 3)
                          + "<end_of_output>",
                      1,
                      2)
                  .toJsonLine())
          .append('\n');
      if (i == 2) {
        sb.append("{\"prompt\": 3}\n"); // line 4: broken, skipped, the rest used
      }
    }
    pairs = dir.resolve("pairs.jsonl");
    Files.writeString(pairs, sb.toString());
  }

  static ExtractCommandTest.Result train(String out, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "train-ppm",
                "--backbone",
                model.toString(),
                "--pairs",
                pairs.toString(),
                "--out",
                out,
                "--epochs",
                "1",
                "--batch",
                "4",
                "--lr",
                "0.001",
                "--context",
                "40"));
    args.addAll(List.of(more));
    return ExtractCommandTest.run("", args.toArray(String[]::new));
  }

  @Test
  void fullFineTuningThenScore() throws Exception {
    Path out = dir.resolve("ppm-full");
    ExtractCommandTest.Result r = train(out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains(pairs + ":4: skipped"), r.err());
    assertTrue(r.out().contains("trained PPM (full fine-tuning): "), r.out());
    assertTrue(r.out().contains("1 malformed lines skipped"), r.out());
    assertTrue(r.out().contains("texts cut from the left to the 40-token context: "), r.out());
    assertFalse(r.out().contains("context: 0\n"), "the long texts were counted: " + r.out());
    for (String f : List.of("model.onnx", "tokenizer.json", "value_head.json", "ppm.json")) {
      assertTrue(Files.exists(out.resolve(f)), f);
    }
    var head =
        JsonParser.parseString(Files.readString(out.resolve("value_head.json"))).getAsJsonObject();
    assertEquals(64, head.get("hidden_size").getAsInt());
    assertEquals(64, head.getAsJsonArray("weight").size());
    assertEquals("tanh(r/5)", head.get("squash").getAsString());
    String input =
        "{\"question\": \"Question 1: add 1 and 3.\", \"steps\": [\"<code>\\nprint(1 + 3)\\n<end_of_code>\\n<output>4<end_of_output>\"]}\n"
            + "{\"question\": \"Q\", \"steps\": []}\n";
    ExtractCommandTest.Result s = ExtractCommandTest.run(input, "score", "--ppm", out.toString());
    assertEquals(0, s.code(), s.err());
    String[] lines = s.out().trim().split("\n");
    assertEquals(2, lines.length, s.out());
    double first = Double.parseDouble(lines[0]);
    assertTrue(first > -1 && first < 1, s.out());
    try (ProcessPreferenceModel ppm = ProcessPreferenceModel.load(out)) {
      assertEquals(
          ppm.scoreTexts(
                  List.of(
                      ppm.promptOf(
                          "Question 1: add 1 and 3.",
                          "<code>\nprint(1 + 3)\n<end_of_code>\n<output>4<end_of_output>")))[0],
          first,
          1e-6);
    }
    // the output of a finished run is refused
    ExtractCommandTest.Result again = train(out.toString());
    assertEquals(1, again.code());
    assertTrue(again.err().contains("already exists"), again.err());
  }

  @Test
  void loraAndItsFlags() throws Exception {
    Path out = dir.resolve("ppm-lora");
    ExtractCommandTest.Result r = train(out.toString(), "--train", "lora", "--rank", "2");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("trained PPM (LoRA rank 2, folded in)"), r.out());
    assertTrue(Files.readString(out.resolve("ppm.json")).contains("\"train\":\"lora\""));
    ExtractCommandTest.Result s =
        ExtractCommandTest.run(
            "{\"question\": \"Q\", \"steps\": [\"x\"]}\n", "score", "--ppm", out.toString());
    assertEquals(0, s.code(), s.err());
    assertEquals(2, train(dir.resolve("x").toString(), "--rank", "2").code()); // rank without lora
    assertEquals(2, train(dir.resolve("x").toString(), "--train", "most").code());
  }
}
