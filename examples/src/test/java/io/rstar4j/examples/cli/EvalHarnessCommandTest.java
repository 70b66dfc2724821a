package io.rstar4j.examples.cli;

import static io.rstar4j.examples.cli.SearchCommandsTest.run;
import static io.rstar4j.examples.cli.SearchCommandsTest.with;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rstar eval --methods}, {@code --tree-html} on solve and eval, and {@code rstar view}. */
class EvalHarnessCommandTest {
  @TempDir static Path shared;
  @TempDir Path dir;
  static ArithmeticServer server;
  static Path problems;

  @BeforeAll
  static void start() throws Exception {
    server = new ArithmeticServer();
    problems = shared.resolve("arith.json");
    Files.writeString(
        problems,
        "[\n"
            + "{\"index\": 10, \"question\": \"What is 2 + 3?\", \"answer\": \"5\"},\n"
            + "{\"index\": 11, \"question\": \"What is 4 + 5?\", \"answer\": \"9\"},\n"
            + "{\"index\": 12, \"question\": \"What is 10 + 7?\", \"answer\": \"17\"}\n]\n");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String[] args(String command) {
    return new String[] {
      command,
      "--problems",
      problems.toString(),
      "--server",
      server.url(),
      "--server-model",
      "arith",
      "--verifier",
      "cpython",
      "--rollouts",
      "4",
      "--n",
      "3",
      "--batch-problems",
      "3"
    };
  }

  @Test
  void methodsAtBudgetsGiveATableJsonAPlotAndATreePage() throws Exception {
    Path json = dir.resolve("res/eval.json");
    Path plot = dir.resolve("res/scaling");
    Path page = dir.resolve("res/trees.html");
    SearchCommandsTest.Run r =
        run(
            with(
                args("eval"),
                "--methods",
                "greedy,best-of-n,mcts,searches",
                "--budgets",
                "2,4",
                "--json",
                json.toString(),
                "--plot",
                plot.toString(),
                "--tree-html",
                page.toString()));
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.lines();
    assertEquals(2 + 1 + 3 * 2, lines.size(), r.out());
    assertTrue(lines.get(0).startsWith("method"), lines.get(0));
    assertTrue(lines.get(2).startsWith("greedy "), lines.get(2));
    assertTrue(lines.get(3).startsWith("best-of-n:majority      "), lines.get(3));

    JsonObject doc = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    assertEquals(3, doc.get("problems").getAsInt());
    JsonArray results = doc.getAsJsonArray("results");
    assertEquals(7, results.size());
    List<String> seen = new ArrayList<>();
    for (var e : results) {
      JsonObject o = e.getAsJsonObject();
      seen.add(o.get("method").getAsString() + "@" + o.get("budget").getAsInt());
      int correct = o.get("correct").getAsInt();
      assertEquals(3, o.get("graded").getAsInt());
      assertEquals(correct / 3.0, o.get("accuracy").getAsDouble(), 1e-12);
      double lo = o.get("ci95_low").getAsDouble();
      double hi = o.get("ci95_high").getAsDouble();
      assertTrue(lo <= o.get("accuracy").getAsDouble() && o.get("accuracy").getAsDouble() <= hi);
      JsonObject share = o.getAsJsonObject("time_share");
      double sum =
          share.get("policy").getAsDouble()
              + share.get("verifier").getAsDouble()
              + share.get("reward_model").getAsDouble()
              + share.get("engine").getAsDouble();
      assertEquals(1.0, sum, 1e-6, o.toString());
      assertEquals(3, o.getAsJsonArray("outcomes").size());
      int c = 0;
      for (var oc : o.getAsJsonArray("outcomes")) {
        if (oc.getAsJsonObject().get("correct").getAsBoolean()) {
          c++;
        }
      }
      assertEquals(correct, c);
    }
    assertEquals(
        List.of(
            "greedy@1",
            "best-of-n:majority@2",
            "best-of-n:majority@4",
            "mcts@2",
            "mcts@4",
            "searches:majority@2",
            "searches:majority@4"),
        seen);
    // the policy reports no tokens: the plot's x axis is trajectories
    assertTrue(r.err().contains("plot (x: trajectories) -> "), r.err());
    Path svg = dir.resolve("res/scaling.svg");
    Path png = dir.resolve("res/scaling.png");
    String s = Files.readString(svg);
    assertTrue(s.contains("<svg") && s.contains("<path"), s.substring(0, 300));
    String keep = System.getProperty("evalview.keep");
    if (keep != null) {
      Files.copy(png, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 4);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, head);
    String html = Files.readString(page);
    assertTrue(html.contains("mcts@2"), "the first run with trees is shown");
    assertTrue(html.contains("\"id\":\"10\""), "every problem's tree");
    assertTrue(html.contains("\"id\":\"12\""));
    try (var files = Files.list(dir.resolve("res"))) {
      assertEquals(4, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void methodFlagsAreChecked() {
    assertEquals(2, run(with(args("eval"), "--methods", "sampling")).code());
    assertEquals(2, run(with(args("eval"), "--methods", "beam")).code(), "beam needs --ppm");
    assertEquals(2, run(with(args("eval"), "--methods", "mcts", "--budgets", "0")).code());
    assertEquals(2, run(with(args("eval"), "--budgets", "4")).code(), "--budgets needs methods");
    assertEquals(2, run(with(args("eval"), "--methods", "mcts", "--baseline", "best-of-n")).code());
    assertEquals(2, run(with(args("eval"), "--methods", "mcts", "--plot-x", "seconds")).code());
  }

  @Test
  void solveAndViewWriteTreePages() throws Exception {
    Path trees = dir.resolve("trees.jsonl");
    Path page = dir.resolve("solve.html");
    SearchCommandsTest.Run r =
        run(with(args("solve"), "--trees", trees.toString(), "--tree-html", page.toString()));
    assertEquals(0, r.code(), r.err());
    String html = Files.readString(page);
    assertTrue(html.contains("\"id\":\"11\""), "every problem of the run");
    assertTrue(html.contains("\"correct\":["), html.length() + "");

    Path one = dir.resolve("view/11.html");
    SearchCommandsTest.Run v =
        run("view", "--trees", trees.toString(), "--id", "11", "--out", one.toString());
    assertEquals(0, v.code(), v.err());
    String h = Files.readString(one);
    assertTrue(h.contains("\"id\":\"11\"") && !h.contains("\"id\":\"10\""), "only that tree");
    assertTrue(h.contains("<title>rstar view 11</title>"));

    SearchCommandsTest.Run missing =
        run("view", "--trees", trees.toString(), "--id", "99", "--out", one.toString());
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("holds no tree of problem '99'"), missing.err());
    assertEquals(2, run("view", "--trees", trees.toString()).code());

    Path eval = dir.resolve("eval.html");
    SearchCommandsTest.Run e = run(with(args("eval"), "--tree-html", eval.toString()));
    assertEquals(0, e.code(), e.err());
    assertEquals(4, e.lines().size(), "the per-problem lines and summary stay as they were");
    assertTrue(Files.readString(eval).contains("\"id\":\"12\""));
  }
}
