package io.rstar4j.mcts.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rstar4j.core.tree.NodeKind;
import io.rstar4j.core.tree.ReasoningNode;
import io.rstar4j.core.tree.ReasoningTree;
import io.rstar4j.core.tree.ReasoningTrees;
import io.rstar4j.mcts.ScoredTrajectory;
import io.rstar4j.mcts.SearchResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The exported tree carries the reference's node texts, kinds and answers. */
class ExportTest {

  static SearchResult replay(String name) throws IOException {
    return GoldenReplayTest.replay(
        ScriptedProblem.parse(GoldenReplayTest.resource(name + ".script.json")));
  }

  @Test
  void stepTextsOfTheReferencePairsAreNodeTexts() throws IOException {
    SearchResult r = replay("example-1-terminal-guided");
    Set<String> texts = new HashSet<>();
    r.tree().nodes().forEach(n -> texts.add(n.text()));
    List<String> solutions = new ArrayList<>();
    for (ScoredTrajectory t : r.trajectories()) {
      solutions.add(t.solutionText());
    }
    String head = io.rstar4j.core.PromptTemplate.TRAINING.head(r.problem().question());
    int lines = 0;
    for (String line :
        GoldenReplayTest.resource("example-1-terminal-guided.pairs-unfiltered.jsonl").split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      lines++;
      JsonObject o = JsonParser.parseString(line).getAsJsonObject();
      assertTrue(texts.contains(o.get("chosen_step").getAsString()), "chosen step is a node text");
      assertTrue(
          texts.contains(o.get("rejected_step").getAsString()), "rejected step is a node text");
      String prefix = o.get("prefix").getAsString();
      assertTrue(prefix.startsWith(head));
      String rest = prefix.substring(head.length());
      assertTrue(solutions.stream().anyMatch(s -> s.startsWith(rest)), "prefix is a path's text");
    }
    assertEquals(8, lines);
  }

  @Test
  void sftResponsesOfTheReferenceAreTrajectoryTexts() throws IOException {
    SearchResult r = replay("example-2-ppm-augmented");
    Set<String> solutions = new HashSet<>();
    for (ScoredTrajectory t : r.trajectories()) {
      solutions.add(t.solutionText().strip());
      assertEquals(t.steps().size(), t.q().size());
    }
    int n = 0;
    for (String line : GoldenReplayTest.resource("example-2-ppm-augmented.sft.jsonl").split("\n")) {
      if (!line.isBlank()) {
        n++;
        assertTrue(
            solutions.contains(
                JsonParser.parseString(line).getAsJsonObject().get("response").getAsString()));
      }
    }
    assertEquals(2, n);
  }

  @Test
  void kindsAnswersAndJsonLines() throws IOException {
    SearchResult r = replay("example-1-terminal-guided");
    ReasoningTree t = r.tree();
    assertEquals(NodeKind.ROOT, t.root().kind());
    assertEquals("", t.root().text());
    Set<NodeKind> kinds = new HashSet<>();
    for (ReasoningNode n : t.nodes()) {
      kinds.add(n.kind());
      if (n.kind() == NodeKind.ANSWER) {
        assertTrue(n.terminal());
        assertTrue(n.text().contains("\\boxed{" + n.answer().orElseThrow() + "}"), n.text());
      }
      if (n.kind() == NodeKind.CODE_ERROR) {
        assertTrue(n.terminal());
        assertEquals(1, n.visits());
        assertEquals(-1.0, n.valueSum(), 0.0);
      }
    }
    assertTrue(kinds.containsAll(List.of(NodeKind.ROOT, NodeKind.STEP, NodeKind.ANSWER)));
    ReasoningTree back = ReasoningTrees.fromJsonLine(ReasoningTrees.toJsonLine(t));
    assertEquals(t, back);
    assertEquals(List.of("\\frac{7}{11}"), t.problem().goldAnswers());
    // trajectories: Q of every step equals the node's W / N
    // the exported tree is in pre-order, so its leaves come in the trajectories' order
    List<Integer> leaves = new ArrayList<>();
    for (int i = 1; i < t.size(); i++) {
      if (t.isLeaf(i)) {
        leaves.add(i);
      }
    }
    assertEquals(leaves.size(), r.trajectories().size());
    for (int k = 0; k < leaves.size(); k++) {
      ScoredTrajectory tr = r.trajectories().get(k);
      List<Integer> lineage = t.lineage(leaves.get(k));
      assertEquals(lineage.size(), tr.steps().size());
      for (int i = 0; i < lineage.size(); i++) {
        ReasoningNode n = t.node(lineage.get(i));
        assertEquals(n.text(), tr.texts().get(i));
        assertEquals(n.q(), tr.q().get(i), 0.0);
      }
      assertEquals(t.node(leaves.get(k)).kind(), tr.leafKind());
    }
  }
}
