package io.rstar4j.examples.cli;

import static io.rstar4j.examples.cli.MctsCommandsTest.rstar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rstar4j.examples.cli.MctsCommandsTest.Run;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code rstar mcts-replay --sft --pairs --pairs-unfiltered}: the replayed tree's extraction. */
class MctsReplayExtractionTest {
  static final String ERR = "NameError: name 'undefined_variable' is not defined";

  static String resource(String name) throws IOException {
    try (InputStream in =
        MctsReplayExtractionTest.class.getResourceAsStream("/golden-trees/" + name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static Run replay(Path script, Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("mcts-replay", "--script", script.toString()));
    args.addAll(
        List.of(
            "--sft",
            out.resolve("sft.jsonl").toString(),
            "--pairs",
            out.resolve("pairs.jsonl").toString(),
            "--pairs-unfiltered",
            out.resolve("unfiltered.jsonl").toString()));
    args.addAll(List.of(more));
    return rstar(args.toArray(String[]::new));
  }

  static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"example-1-terminal-guided", "example-2-ppm-augmented"})
  void thePublicExamplesGiveTheReferenceFiles(String base, @TempDir Path dir) throws IOException {
    Path script = dir.resolve(base + ".script.json");
    Files.writeString(script, resource(base + ".script.json"));
    Path out = dir.resolve("out");
    Run r = replay(script, out, "--json");
    assertEquals(0, r.code(), r.err());
    // stdout is what it is without the flags
    assertEquals(rstar("mcts-replay", "--script", script.toString(), "--json").out(), r.out());
    assertTrue(r.err().startsWith("rstar mcts-replay: 1 trees: "), r.err());
    assertEquals(resource(base + ".sft.jsonl"), read(out.resolve("sft.jsonl")));
    assertEquals(resource(base + ".pairs.jsonl"), read(out.resolve("pairs.jsonl")));
    List<String> want = resource(base + ".pairs-unfiltered.jsonl").lines().toList();
    List<String> got = read(out.resolve("unfiltered.jsonl")).lines().toList();
    assertEquals(want.size(), got.size());
    for (int i = 0; i < want.size(); i++) {
      JsonObject w = JsonParser.parseString(want.get(i)).getAsJsonObject();
      JsonObject g = JsonParser.parseString(got.get(i)).getAsJsonObject();
      assertEquals(List.copyOf(w.keySet()), List.copyOf(g.keySet()), "key order #" + i);
      for (Map.Entry<String, JsonElement> e : w.entrySet()) {
        JsonElement v = e.getValue();
        if (v.getAsJsonPrimitive().isNumber()) {
          assertEquals(
              v.getAsDouble(), g.get(e.getKey()).getAsDouble(), 0.0, e.getKey() + " #" + i);
        } else {
          assertEquals(v.getAsString(), g.get(e.getKey()).getAsString(), e.getKey() + " #" + i);
        }
      }
    }
    // written atomically: nothing but the three files is left in the directory
    assertEquals(List.of("pairs.jsonl", "sft.jsonl", "unfiltered.jsonl"), names(out));
  }

  @Test
  void aTestTimeTreeGetsThreeEmptyFiles(@TempDir Path dir) throws IOException {
    Path script = dir.resolve("t.script.json");
    Files.writeString(script, resource("example-3-test-time.script.json"));
    Path out = dir.resolve("out");
    Run r = replay(script, out);
    assertEquals(0, r.code(), r.err());
    assertEquals(rstar("mcts-replay", "--script", script.toString()).out(), r.out());
    for (String f : List.of("sft.jsonl", "pairs.jsonl", "unfiltered.jsonl")) {
      assertEquals("", read(out.resolve(f)), f);
    }
  }

  @Test
  void onlyTheOutputsAskedForAreWrittenAndOldFilesAreReplaced(@TempDir Path dir)
      throws IOException {
    Path script = dir.resolve("e.script.json");
    Files.writeString(script, resource("example-2-ppm-augmented.script.json"));
    Path pairs = dir.resolve("pairs.jsonl");
    Files.writeString(pairs, "stale\n");
    Run r = rstar("mcts-replay", "--script", script.toString(), "--pairs", pairs.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("", read(pairs)); // example 2 has no pairs: an empty file, the old one replaced
    assertEquals(List.of("e.script.json", "pairs.jsonl"), names(dir));
  }

  @Test
  void badExtractionValuesAreUsageErrorsBeforeTheSearch(@TempDir Path dir) throws IOException {
    Path script = dir.resolve("e.script.json");
    Files.writeString(script, resource("example-2-ppm-augmented.script.json"));
    Run r =
        rstar(
            "mcts-replay",
            "--script",
            script.toString(),
            "--sft",
            dir.resolve("s").toString(),
            "--sft-per-problem",
            "-1");
    assertEquals(2, r.code(), r.err());
    assertEquals("", r.out());
    assertFalse(Files.exists(dir.resolve("s")));
  }

  // ---- trees of our own, searched: error steps below and at the threshold ----

  static String step(String text, String output, boolean error, String children) {
    return "{\"text\": "
        + quote(text)
        + (output == null ? "" : ", \"output\": " + quote(output))
        + (error ? ", \"error\": true" : "")
        + (children == null ? "" : ", \"children\": [" + children + "]")
        + "}";
  }

  static String quote(String s) {
    return new com.google.gson.JsonPrimitive(s).toString();
  }

  static String answer(String a) {
    return step("<answer>The answer is \\boxed{" + a + "}.<end_of_answer>", null, false, null);
  }

  static Path script(Path dir, int threshold, String children) throws IOException {
    String s =
        "{\"question\": \"q?\", \"gold\": \"1\", \"config\": {\"mode\": \"terminal-guided\","
            + " \"rollouts\": 8, \"maxDepth\": 16, \"c\": 2.0, \"errorsThreshold\": "
            + threshold
            + "}, \"root\": {\"children\": ["
            + children
            + "]}}";
    Path f = dir.resolve("own.script.json");
    Files.writeString(f, s);
    return f;
  }

  static List<String> responses(Path sft) throws IOException {
    return responses(sft, "q?");
  }

  static List<String> responses(Path sft, String query) throws IOException {
    List<String> out = new ArrayList<>();
    for (String l : read(sft).lines().toList()) {
      JsonObject o = JsonParser.parseString(l).getAsJsonObject();
      assertEquals(List.of("query", "response"), List.copyOf(o.keySet()));
      if (query != null) {
        assertEquals(query, o.get("query").getAsString());
      }
      out.add(o.get("response").getAsString());
    }
    return out;
  }

  static final String A = "<code>\nx = undefined_variable\n<end_of_code>";
  static final String B = "<code>\ny = undefined_variable\n<end_of_step>";
  static final String C = "<code>\nprint(1)\n<end_of_code>";
  static final String ANS = "<answer>The answer is \\boxed{1}.<end_of_answer>";

  /**
   * Threshold 2: A (an {@code <end_of_code>} error) and B (an {@code <end_of_step>} error) are
   * below it and recovered from; C is clean. Every path has Q 1 throughout: a full tie, path order.
   */
  static Path belowThreshold(Path dir) throws IOException {
    return script(
        dir,
        2,
        step(A, null, true, answer("1"))
            + ", "
            + step(B, null, true, answer("1"))
            + ", "
            + step(C, "1", false, answer("1")));
  }

  static final String RA = A + "\n<output>" + ERR + "<end_of_output>" + ANS;
  static final String RB = B + ANS;
  static final String RC = C + "\n<output>1<end_of_output>" + ANS;

  @Test
  void errorStepsBelowTheThresholdFollowTheReference(@TempDir Path dir) throws IOException {
    Path f = belowThreshold(dir);
    Path out = dir.resolve("out");
    assertEquals(0, replay(f, out).code());
    // top 2 = [A, B]; A's output is the error: dropped, not replaced; B's error left no text
    assertEquals(List.of(RB), responses(out.resolve("sft.jsonl")));
    assertEquals("", read(out.resolve("pairs.jsonl"))); // no wrong leaf: no pairs
  }

  @Test
  void theBetterRulesAreNamedFlags(@TempDir Path dir) throws IOException {
    Path f = belowThreshold(dir);
    Path out = dir.resolve("out");
    assertEquals(0, replay(f, out, "--sft-replace-dropped").code());
    assertEquals(List.of(RB, RC), responses(out.resolve("sft.jsonl")));
    assertEquals(0, replay(f, out, "--sft-keep-error-traces").code());
    assertEquals(List.of(RA, RB), responses(out.resolve("sft.jsonl")));
  }

  /**
   * Threshold 1: A and B become code-error leaves (A's output tags doubled, B given an output), C
   * leads to the correct answer, D to a wrong one; C and D are two characters apart.
   */
  @Test
  void errorLeavesAtTheThresholdReachNoFileAndTheEditDistanceDecides(@TempDir Path dir)
      throws IOException {
    String d = "<code>\nprint(2)\n<end_of_code>";
    Path f =
        script(
            dir,
            1,
            step(A, null, true, answer("1"))
                + ", "
                + step(B, null, true, answer("1"))
                + ", "
                + step(C, "1", false, answer("1"))
                + ", "
                + step(d, "2", false, answer("2")));
    Run tree = rstar("mcts-replay", "--script", f.toString());
    assertTrue(tree.out().contains("code-error"), tree.out());
    for (int dist : new int[] {2, 3}) {
      Path out = dir.resolve("out" + dist);
      Run r = replay(f, out, "--edit-distance", String.valueOf(dist), "--sft-keep-error-traces");
      assertEquals(0, r.code(), r.err());
      assertEquals(List.of(RC), responses(out.resolve("sft.jsonl")));
      List<String> all = read(out.resolve("unfiltered.jsonl")).lines().toList();
      assertEquals(1, all.size());
      JsonObject u = JsonParser.parseString(all.get(0)).getAsJsonObject();
      assertEquals(C + "\n<output>1<end_of_output>", u.get("chosen_step").getAsString());
      assertEquals(d + "\n<output>2<end_of_output>", u.get("rejected_step").getAsString());
      assertEquals(2.0, u.get("step_margin").getAsDouble());
      assertEquals(1, u.get("neg_count").getAsInt());
      assertEquals(1, u.get("pos_count").getAsInt());
      // the distance is 2: kept at --edit-distance 2, dropped at 3
      assertEquals(dist == 2 ? 1 : 0, read(out.resolve("pairs.jsonl")).lines().count());
      for (String file : List.of("sft.jsonl", "pairs.jsonl", "unfiltered.jsonl")) {
        String text = read(out.resolve(file));
        assertFalse(text.contains("undefined_variable"), file + ": " + text);
      }
    }
  }

  @Test
  void extractTakesTheSameRuleFlags(@TempDir Path dir) throws IOException {
    Path trees = dir.resolve("trees.jsonl");
    Files.writeString(trees, GoldenFiles.trees());
    Path ref = dir.resolve("ref.jsonl");
    Path keep = dir.resolve("keep.jsonl");
    assertEquals(0, rstar("extract", "--trees", trees.toString(), "--sft", ref.toString()).code());
    assertEquals(GoldenFiles.sft(), read(ref));
    Run r =
        rstar(
            "extract",
            "--trees",
            trees.toString(),
            "--sft",
            keep.toString(),
            "--sft-keep-error-traces");
    assertEquals(0, r.code(), r.err());
    // example 1 has no reference record because every correct path ran through an error step
    List<String> kept = responses(keep, null);
    assertTrue(kept.size() > GoldenFiles.sft().lines().count(), kept.toString());
    assertTrue(kept.stream().anyMatch(x -> x.contains(ERR)), kept.toString());
  }
}
