package io.rstar4j.core.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.rstar4j.core.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReasoningTreesTest {

  static ReasoningTree small() {
    List<ReasoningNode> nodes =
        List.of(
            ReasoningNode.root(3, 0.25, false),
            ReasoningNode.step(
                0,
                "<code>\nx=4\n<end_of_code>\n<output>4<end_of_output>",
                NodeKind.STEP,
                2,
                0.5,
                false),
            ReasoningNode.answer(1, "\n<answer>\\boxed{4}<end_of_answer>", "4", 1, 1.0, true),
            ReasoningNode.step(0, "y<end_of_step>", NodeKind.CODE_ERROR, 1, -1.0, true));
    return ReasoningTree.of(Problem.of("p1", "What is 2+2? \"quoted\"", "4"), nodes);
  }

  @Test
  void roundTripsThroughJsonAndNavigatesByIndex() {
    ReasoningTree tree = small();
    String line = ReasoningTrees.toJsonLine(tree);
    assertEquals(tree, ReasoningTrees.fromJsonLine(line));
    assertEquals(line, ReasoningTrees.toJsonLine(ReasoningTrees.fromJsonLine(line)));
    assertEquals(0.5 / 2, tree.node(1).q());
    assertEquals(List.of(1, 3), tree.children(0));
    assertEquals(2, tree.child(1, 0));
    assertEquals(List.of(0, 0), tree.path(2));
    assertEquals(List.of(1), tree.path(3));
    assertEquals(List.of(1, 2), tree.lineage(2));
    assertEquals(2, tree.depth(2));
    assertEquals(1, tree.position(3));
    assertTrue(tree.isLeaf(2) && tree.isLeaf(3) && !tree.isLeaf(1));
    assertEquals(tree.node(1).text() + tree.node(2).text(), tree.textTo(2));
    assertEquals("", tree.textTo(0));
    assertThrows(UnsupportedOperationException.class, () -> tree.nodes().remove(0));
  }

  static String resource(String name) throws IOException {
    try (InputStream in = ReasoningTreesTest.class.getResourceAsStream("/saved-trees/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Lines written by the recursive codec this one replaced load, and are written back as is. */
  @Test
  void treeFilesOfTheEarlierShapeLoadAndRewriteByteForByte() throws IOException {
    List<String> lines = resource("old-format.jsonl").lines().toList();
    assertEquals(2, lines.size());
    for (String line : lines) {
      assertEquals(line, ReasoningTrees.toJsonLine(ReasoningTrees.fromJsonLine(line)));
    }
    ReasoningTree t = ReasoningTrees.fromJsonLine(lines.get(0));
    assertEquals(8, t.size());
    assertEquals(List.of("1/2", "0.5"), t.problem().goldAnswers());
    assertEquals(
        List.of(
            NodeKind.ROOT,
            NodeKind.STEP,
            NodeKind.TOO_DEEP,
            NodeKind.STEP,
            NodeKind.CODE_ERROR,
            NodeKind.STEP,
            NodeKind.ANSWER,
            NodeKind.UNPARSABLE),
        t.nodes().stream().map(ReasoningNode::kind).toList(),
        "depth-first pre-order");
    assertEquals(Optional.of("\\frac{1}{2}"), t.node(6).answer());
    assertEquals(List.of(2, 0), t.path(6));
    assertEquals(0.30000000000000004, t.node(1).valueSum());
    assertEquals(-1.23456785E7, t.root().valueSum());
    assertEquals(1, ReasoningTrees.fromJsonLine(lines.get(1)).size());
  }

  @Test
  void rejectsMalformedLinesNamingTheNode() {
    assertThrows(IllegalArgumentException.class, () -> ReasoningTrees.fromJsonLine("{"));
    assertThrows(IllegalArgumentException.class, () -> ReasoningTrees.fromJsonLine("{\"id\":1}"));
    String noVisits =
        "{\"question\":\"q\",\"root\":{\"kind\":\"root\",\"visits\":1,\"valueSum\":0,"
            + "\"terminal\":false,\"children\":[{\"text\":\"a\",\"kind\":\"step\","
            + "\"valueSum\":0,\"terminal\":false}]}}";
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ReasoningTrees.fromJsonLine(noVisits));
    assertTrue(
        e.getMessage().contains("node [0]") && e.getMessage().contains("visits"), e.getMessage());
    String noAnswer = noVisits.replace("\"kind\":\"step\",", "\"kind\":\"answer\",\"visits\":1,");
    e = assertThrows(IllegalArgumentException.class, () -> ReasoningTrees.fromJsonLine(noAnswer));
    assertTrue(e.getMessage().contains("answer"), e.getMessage());
    String badKind = noVisits.replace("\"kind\":\"step\",", "\"kind\":\"leaf\",\"visits\":1,");
    assertThrows(IllegalArgumentException.class, () -> ReasoningTrees.fromJsonLine(badKind));
  }

  @Test
  void theShapeIsValidated() {
    Problem p = Problem.of("p", "q");
    ReasoningNode root = ReasoningNode.root(0, 0, false);
    assertThrows(IllegalArgumentException.class, () -> ReasoningTree.of(p, List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReasoningTree.of(p, List.of(ReasoningNode.step(0, "a", NodeKind.STEP, 0, 0, false))));
    // node 2's parent 1 is not on the path to node 2's predecessor 3... (not pre-order)
    List<ReasoningNode> notPreOrder =
        List.of(
            root,
            ReasoningNode.step(0, "a", NodeKind.STEP, 0, 0, false),
            ReasoningNode.step(0, "b", NodeKind.STEP, 0, 0, false),
            ReasoningNode.step(1, "c", NodeKind.STEP, 0, 0, false));
    assertThrows(IllegalArgumentException.class, () -> ReasoningTree.of(p, notPreOrder));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ReasoningTree.of(
                p, List.of(root, ReasoningNode.step(5, "a", NodeKind.STEP, 0, 0, false))));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ReasoningNode(0, "a", NodeKind.STEP, Optional.of("1"), 0, 0, false));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ReasoningNode(0, "a", NodeKind.ANSWER, Optional.empty(), 0, 0, false));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ReasoningNode(0, "a", NodeKind.ROOT, Optional.empty(), 0, 0, false));
    assertThrows(
        IllegalArgumentException.class,
        () -> ReasoningNode.step(0, "a", NodeKind.STEP, -1, 0, false));
  }

  /** A random tree in pre-order: each new node hangs below a node on the current path. */
  static ReasoningTree random(long seed, int size) {
    Random rnd = new Random(seed);
    List<ReasoningNode> nodes = new ArrayList<>();
    nodes.add(ReasoningNode.root(rnd.nextInt(50), rnd.nextGaussian() * 10, rnd.nextBoolean()));
    List<Integer> path = new ArrayList<>(List.of(0));
    String alphabet = "ab \n\t\"\\<>é中\u0001{}";
    for (int i = 1; i < size; i++) {
      int keep = 1 + rnd.nextInt(path.size());
      path.subList(keep, path.size()).clear();
      int parent = path.get(path.size() - 1);
      StringBuilder text = new StringBuilder();
      for (int k = rnd.nextInt(12); k > 0; k--) {
        text.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      int visits = rnd.nextInt(20);
      double w = rnd.nextInt(4) == 0 ? rnd.nextInt(5) - 2 : rnd.nextDouble() * 2 - 1;
      NodeKind kind = NodeKind.values()[1 + rnd.nextInt(NodeKind.values().length - 1)];
      nodes.add(
          kind == NodeKind.ANSWER
              ? ReasoningNode.answer(parent, text.toString(), "a" + i, visits, w, true)
              : ReasoningNode.step(parent, text.toString(), kind, visits, w, rnd.nextBoolean()));
      path.add(i);
    }
    return ReasoningTree.of(Problem.of("t" + seed, "Q " + seed + "?", "1"), nodes);
  }

  @Test
  void randomFlatTreesRoundTripThroughJson() {
    qt().withExamples(300)
        .forAll(longs().all(), integers().between(1, 60))
        .checkAssert(
            (seed, size) -> {
              ReasoningTree t = random(seed, size);
              String line = ReasoningTrees.toJsonLine(t);
              ReasoningTree back = ReasoningTrees.fromJsonLine(line);
              assertEquals(t, back);
              assertEquals(line, ReasoningTrees.toJsonLine(back));
              assertTrue(!line.contains("\n"), "one line");
              // the children lists partition the non-root nodes, in index order per parent
              int counted = 0;
              for (int i = 0; i < t.size(); i++) {
                int prev = i;
                for (int c : t.children(i)) {
                  assertEquals(i, t.parent(c));
                  assertTrue(c > prev);
                  prev = c;
                  counted++;
                }
              }
              assertEquals(t.size() - 1, counted);
            });
  }
}
