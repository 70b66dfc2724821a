package io.rstar4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rstar4j.core.testing.TinyDecoderBackbone;
import io.rstar4j.core.tree.ReasoningTrees;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rstar solve}, {@code rstar eval} and {@code rstar evolve} as users run them. */
class SearchCommandsTest {
  @TempDir static Path shared;
  @TempDir Path dir;
  static ArithmeticServer server;
  static Path problems;

  record Run(int code, String out, String err) {
    List<String> lines() {
      return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
    }
  }

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

  static String[] with(String[] base, String... more) {
    List<String> l = new ArrayList<>(List.of(base));
    l.addAll(List.of(more));
    return l.toArray(new String[0]);
  }

  @BeforeAll
  static void start() throws Exception {
    server = new ArithmeticServer();
    problems = shared.resolve("arith.json");
    Files.writeString(
        problems,
        "[\n"
            + "{\"index\": 10, \"question\": \"What is 2 + 3?\", \"answer\": \"5\"},\n"
            + "{\"index\": 11, \"question\": \"What is 4 + 5?\", \"answer\": [\"9\", \"nine\"]},\n"
            + "{\"index\": 12, \"question\": \"What is 10 + 7?\", \"answer\": \"17\"}\n]\n");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  String[] serverArgs() {
    return new String[] {
      "--problems",
      problems.toString(),
      "--server",
      server.url(),
      "--server-model",
      "arith",
      "--verifier",
      "cpython",
      "--rollouts",
      "10",
      "--n",
      "3",
      "--batch-problems",
      "2"
    };
  }

  static JsonObject json(String line) {
    return JsonParser.parseString(line).getAsJsonObject();
  }

  @Test
  void solveStreamsTreesPrintsOneLinePerProblemAndResumes() throws Exception {
    Path trees = dir.resolve("out/trees.jsonl");
    Run r = run(with(with(new String[] {"solve"}, serverArgs()), "--trees", trees.toString()));
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.lines();
    assertEquals(3, lines.size(), r.out());
    List<String> ids = new ArrayList<>();
    for (String l : lines) {
      JsonObject o = json(l);
      assertEquals(Set.of("id", "answer", "correct", "score"), o.keySet());
      assertTrue(o.get("correct").getAsBoolean(), l);
      assertEquals(1.0, o.get("score").getAsDouble());
      ids.add(o.get("id").getAsString());
    }
    assertEquals(List.of("10", "11", "12"), ids);
    assertEquals("5", json(lines.get(0)).get("answer").getAsString());
    assertTrue(r.err().contains("3/3 problems"), r.err());
    // the progress bar's elapsed and remaining time, "(0:00:01 / 0:00:00)"
    assertTrue(
        r.err().matches("(?s).*\\(\\d+:\\d\\d:\\d\\d / (\\d+:\\d\\d:\\d\\d|\\?)\\).*"), r.err());
    List<String> saved = Files.readAllLines(trees);
    assertEquals(3, saved.size());
    assertEquals("12", ReasoningTrees.fromJsonLine(saved.get(2)).problem().id());

    long requests = server.requests.get();
    Run again = run(with(with(new String[] {"solve"}, serverArgs()), "--trees", trees.toString()));
    assertEquals(0, again.code(), again.err());
    assertEquals(requests, server.requests.get(), "resumed problems are not searched again");
    assertEquals(lines, again.lines());
    assertEquals(3, Files.readAllLines(trees).size());

    Path sft = dir.resolve("sft.jsonl");
    Path pairs = dir.resolve("pairs.jsonl");
    Run ex =
        run(
            "extract",
            "--trees",
            trees.toString(),
            "--sft",
            sft.toString(),
            "--pairs",
            pairs.toString());
    assertEquals(0, ex.code(), ex.err());
    assertTrue(ex.err().contains("3 trees"), ex.err());
    assertFalse(Files.readAllLines(sft).isEmpty());
    assertFalse(Files.readAllLines(pairs).isEmpty());
  }

  @Test
  void solveWithTheDefaultGraalPyVerifierFindsTheAnswers() throws Exception {
    List<String> args = new ArrayList<>(List.of(serverArgs()));
    int v = args.indexOf("--verifier");
    args.remove(v);
    args.remove(v);
    args.addAll(0, List.of("solve", "--trees", dir.resolve("g.jsonl").toString(), "--limit", "2"));
    Run r = run(args.toArray(new String[0]));
    assertEquals(0, r.code(), r.err());
    assertEquals(2, r.lines().size(), r.out());
    for (String l : r.lines()) {
      assertTrue(json(l).get("correct").getAsBoolean(), l);
    }
  }

  @Test
  void solveRunsTheTinyOnnxPolicyOnAShippedBenchmark() {
    Path model = dir.resolve("tiny");
    assertEquals(0, run("make-tiny-model", "--out", model.toString()).code());
    Path trees = dir.resolve("t.jsonl");
    Run r =
        run(
            "solve",
            "--problems",
            "gsm8k",
            "--limit",
            "2",
            "--model",
            model.toString(),
            "--verifier",
            "cpython",
            "--rollouts",
            "2",
            "--n",
            "2",
            "--max-tokens",
            "8",
            "--max-depth",
            "3",
            "--seed",
            "3",
            "--trees",
            trees.toString());
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.lines();
    assertEquals(2, lines.size(), r.out());
    assertEquals("0", json(lines.get(0)).get("id").getAsString());
    assertEquals("1", json(lines.get(1)).get("id").getAsString());
    for (String l : lines) {
      JsonObject o = json(l);
      assertTrue(o.get("correct").isJsonPrimitive(), l);
    }
  }

  @Test
  void solveReportsBadInputClearly() throws Exception {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "[\n{\"index\": 1, \"question\": \"q\"},\n{\"index\": 2}\n]");
    Run r =
        run(
            with(
                with(new String[] {"solve"}, serverArgs()),
                "--trees",
                dir.resolve("x.jsonl").toString(),
                "--problems",
                bad.toString()));
    assertEquals(1, r.code());
    assertTrue(r.err().contains(bad + ":3:"), r.err());
    assertEquals(2, run("solve", "--problems", problems.toString(), "--trees", "x").code());
    assertEquals(
        2,
        run("solve", "--problems", problems.toString(), "--server", server.url(), "--trees", "x")
            .code());
    Run nogold =
        run(
            with(
                with(new String[] {"solve"}, serverArgs()),
                "--trees",
                dir.resolve("y.jsonl").toString(),
                "--problems",
                bad.toString().replace("bad", "none")));
    assertEquals(1, nogold.code());
    assertTrue(nogold.err().contains("no such benchmark file"), nogold.err());
  }

  @Test
  void evalPrintsPerProblemLinesAndASummary() throws Exception {
    Run r = run(with(new String[] {"eval"}, serverArgs()));
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.lines();
    assertEquals(4, lines.size(), r.out());
    int correct = 0;
    for (String l : lines.subList(0, 3)) {
      if (json(l).get("correct").getAsBoolean()) {
        correct++;
      }
    }
    JsonObject s = json(lines.get(3));
    assertEquals("mcts", s.get("method").getAsString());
    assertEquals(3, s.get("problems").getAsInt());
    assertEquals(3, s.get("graded").getAsInt());
    assertEquals(3, s.get("answered").getAsInt());
    assertEquals(correct, s.get("correct").getAsInt());
    assertEquals(correct / 3.0, s.get("accuracy").getAsDouble(), 1e-12);

    Run b = run(with(with(new String[] {"eval"}, serverArgs()), "--baseline", "best-of-n"));
    assertEquals(0, b.code(), b.err());
    JsonObject bs = json(b.lines().get(3));
    assertEquals("best-of-n", bs.get("method").getAsString());
    assertEquals(3, bs.get("answered").getAsInt());

    Path trees = dir.resolve("k.jsonl");
    Run k =
        run(
            with(
                with(new String[] {"eval"}, serverArgs()),
                "--searches",
                "3",
                "--select",
                "majority",
                "--trees",
                trees.toString(),
                "--rollouts",
                "2"));
    assertEquals(0, k.code(), k.err());
    assertEquals(4, k.lines().size(), k.out());
    assertEquals(
        List.of("10", "11", "12"),
        k.lines().subList(0, 3).stream().map(l -> json(l).get("id").getAsString()).toList());
    List<String> saved = new ArrayList<>();
    for (String l : Files.readAllLines(trees)) {
      saved.add(ReasoningTrees.fromJsonLine(l).problem().id());
    }
    assertEquals(
        List.of("10#0", "10#1", "10#2", "11#0", "11#1", "11#2", "12#0", "12#1", "12#2"), saved);
    for (String l : k.lines().subList(0, 3)) {
      double share = json(l).get("score").getAsDouble();
      assertTrue(share > 0 && share <= 1, l);
    }
    assertEquals(
        2, run(with(with(new String[] {"eval"}, serverArgs()), "--select", "best")).code());
    assertEquals(2, run(with(with(new String[] {"eval"}, serverArgs()), "--searches", "0")).code());
    assertEquals(
        2, run(with(with(new String[] {"eval"}, serverArgs()), "--baseline", "beam")).code());
    assertEquals(
        2, run(with(with(new String[] {"eval"}, serverArgs()), "--baseline", "sampling")).code());
  }

  @Test
  void evolveRunsRoundsTrainsPpmsCallsTheTrainerAndResumes() throws Exception {
    Path backbone = TinyDecoderBackbone.write(dir.resolve("backbone"));
    Path script = dir.resolve("trainer.sh");
    Files.writeString(
        script,
        "#!/bin/sh\necho \"trainer got round $1\"\ntest -f \"$2\"\n"
            + "echo \"$1\" >> \"$3/../trainer.log\"\n");
    script.toFile().setExecutable(true);
    Path out = dir.resolve("evo");
    String[] args =
        with(
            with(new String[] {"evolve"}, serverArgs()),
            "--rounds",
            "3",
            "--out",
            out.toString(),
            "--ppm-backbone",
            backbone.toString(),
            "--ppm-epochs",
            "2",
            "--ppm-batch",
            "8",
            "--context",
            "128",
            "--policy-trainer",
            script.toString());
    Run r = run(args);
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.lines();
    assertEquals(3, lines.size(), r.out());
    assertTrue(
        lines.get(0).startsWith("round 1 (terminal-guided): 3/3 problems solved"), lines.get(0));
    assertTrue(
        lines.get(2).startsWith("round 3 (ppm-augmented): 3/3 problems solved"), lines.get(2));
    assertTrue(r.err().contains("trainer got round 2"), r.err());
    for (int round = 1; round <= 3; round++) {
      Path rd = out.resolve("round-" + round);
      for (String f :
          List.of("trees.jsonl", "sft.jsonl", "pairs.jsonl", "round.json", "ppm/ppm.json")) {
        assertTrue(Files.exists(rd.resolve(f)), rd.resolve(f).toString());
      }
    }
    assertEquals(List.of("1", "2", "3"), Files.readAllLines(out.resolve("trainer.log")));
    assertEquals(
        "round-2/ppm",
        json(Files.readString(out.resolve("round-3/round.json"))).get("ppm_used").getAsString());

    long requests = server.requests.get();
    Run again = run(args);
    assertEquals(0, again.code(), again.err());
    assertEquals(requests, server.requests.get());
    assertTrue(again.out().contains("[already complete]"), again.out());
    assertEquals(List.of("1", "2", "3"), Files.readAllLines(out.resolve("trainer.log")));

    Run noBackbone =
        run(
            with(
                with(new String[] {"evolve"}, serverArgs()),
                "--rounds",
                "3",
                "--out",
                dir.resolve("e2").toString()));
    assertEquals(2, noBackbone.code());
    assertTrue(noBackbone.err().contains("--ppm-backbone"), noBackbone.err());
    // the PPM a round trained drives the test-time search
    Run ev =
        run(
            with(
                with(new String[] {"eval"}, serverArgs()),
                "--ppm",
                out.resolve("round-3/ppm").toString(),
                "--trees",
                dir.resolve("eval.jsonl").toString()));
    assertEquals(0, ev.code(), ev.err());
    JsonObject summary = json(ev.lines().get(3));
    assertEquals(3, summary.get("answered").getAsInt());
    assertEquals(3, Files.readAllLines(dir.resolve("eval.jsonl")).size());
    for (String l : ev.lines().subList(0, 3)) {
      double score = json(l).get("score").getAsDouble();
      assertTrue(score >= -1 && score <= 1, l);
    }
    assertEquals(2, run(with(args, "--hard-rollouts", "0")).code());
    assertEquals(2, run(with(args, "--hard-rollouts", "many")).code());
  }
}
