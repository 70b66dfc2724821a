package io.rstar4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rstar4j.core.tree.ReasoningTree;
import io.rstar4j.core.tree.ReasoningTrees;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MctsCommandsTest {

  record Run(int code, String out, String err) {}

  static Run rstar(String... args) {
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

  static String demoScript() throws IOException {
    try (InputStream in = MctsCommandsTest.class.getResourceAsStream(MctsDemoCommand.DEMO_SCRIPT)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void demoPrintsTheTreeWithoutArguments() {
    Run r = rstar("mcts-demo");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("[] N="), r.out());
    assertTrue(r.out().contains("best answer:   89"), r.out());
  }

  @Test
  void demoJsonIsASavedTree() {
    Run r = rstar("mcts-demo", "--json");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().strip().split("\n");
    assertEquals(1, lines.length);
    ReasoningTree t = ReasoningTrees.fromJsonLine(lines[0]);
    assertEquals(List.of("89"), t.problem().goldAnswers());
    assertTrue(t.root().visits() > 0);
    assertEquals(4, t.childCount(0));
  }

  @Test
  void replayJsonHasTheGoldenShapeSortedByPath(@TempDir Path dir) throws IOException {
    // maxDepth 2 chain: rollout 1 builds depths 1-2, rollout 2 adds a too-deep node at depth 3.
    String script =
        "{\"question\": \"q?\", \"gold\": \"42\", \"config\": {\"mode\": "
            + "\"terminal-guided\", \"rollouts\": 2, \"maxDepth\": 2, \"c\": 2.0, \"errorsThreshold\": 1},"
            + " \"root\": {\"children\": [{\"text\": \"<code>\\na = 1\\n<end_of_step>\", \"children\": ["
            + "{\"text\": \"b = 2\\n<end_of_step>\", \"children\": [{\"text\": \"c = 3\\n<end_of_step>\","
            + " \"children\": []}]}]}, {\"text\": \"<code>\\nd = 4\\n<end_of_step>\"}]}}";
    Path f = dir.resolve("chain.script.json");
    Files.writeString(f, script);
    Run r = rstar("mcts-replay", "--script", f.toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(1, o.keySet().size());
    JsonArray nodes = o.getAsJsonArray("nodes");
    String[] paths = {"[]", "[0]", "[0,0]", "[0,0,0]", "[1]"};
    int[] visits = {0, 0, 0, 1, 0};
    double[] sums = {0, 0, 0, -1, 0};
    boolean[] terminal = {false, false, true, true, false};
    assertEquals(paths.length, nodes.size());
    for (int i = 0; i < paths.length; i++) {
      JsonObject n = nodes.get(i).getAsJsonObject();
      assertEquals(List.of("path", "visits", "valueSum", "terminal"), List.copyOf(n.keySet()));
      assertEquals(paths[i], n.get("path").toString());
      assertEquals(visits[i], n.get("visits").getAsInt());
      assertEquals(sums[i], n.get("valueSum").getAsDouble(), 1e-12);
      assertEquals(terminal[i], n.get("terminal").getAsBoolean());
    }
  }

  @Test
  void replayWithoutJsonPrintsAnIndentedTree(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("demo.script.json");
    Files.writeString(f, demoScript());
    Run r = rstar("mcts-replay", "--script", f.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\n  [0] N="), r.out());
    assertTrue(r.out().contains("\n    [0, 0] N="), r.out());
    Run json = rstar("mcts-replay", "--script", f.toString(), "--json");
    JsonArray nodes = JsonParser.parseString(json.out()).getAsJsonObject().getAsJsonArray("nodes");
    // the demo's own tree, walked in pre-order, matches the replay's node list
    ReasoningTree t =
        ReasoningTrees.fromJsonLine(
            rstar("mcts-demo", "--json", "--script", f.toString()).out().strip());
    assertEquals(t.size(), nodes.size());
    JsonElement root = nodes.get(0);
    assertEquals(t.root().visits(), root.getAsJsonObject().get("visits").getAsInt());
  }

  @Test
  void replayErrorsAreClear(@TempDir Path dir) throws IOException {
    Run missing = rstar("mcts-replay");
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("--script"), missing.err());
    Run nofile = rstar("mcts-replay", "--script", dir.resolve("nope.json").toString());
    assertEquals(1, nofile.code());
    assertTrue(nofile.err().contains("no such file"), nofile.err());
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{not json");
    Run badRun = rstar("mcts-replay", "--script", bad.toString());
    assertEquals(1, badRun.code());
    assertTrue(badRun.out().isEmpty());
  }
}
