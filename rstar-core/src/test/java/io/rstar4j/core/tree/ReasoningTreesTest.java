package io.rstar4j.core.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rstar4j.core.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReasoningTreesTest {
  @Test
  void roundTripsThroughJson() {
    ReasoningNode ans =
        new ReasoningNode(
            "\n<answer>\\boxed{4}<end_of_answer>", NodeKind.ANSWER, "4", 1, 1.0, true, List.of());
    ReasoningNode step =
        new ReasoningNode(
            "<code>\nx=4\n<end_of_code>\n<output>4<end_of_output>",
            NodeKind.STEP,
            null,
            2,
            0.5,
            false,
            List.of(ans));
    ReasoningNode root = new ReasoningNode("", NodeKind.ROOT, null, 3, 0.25, false, List.of(step));
    ReasoningTree tree = new ReasoningTree(Problem.of("p1", "What is 2+2? \"quoted\"", "4"), root);
    String line = ReasoningTrees.toJsonLine(tree);
    assertEquals(tree, ReasoningTrees.fromJsonLine(line));
    assertEquals(0.5 / 2, step.q());
  }

  @Test
  void rejectsMalformedLines() {
    assertThrows(IllegalArgumentException.class, () -> ReasoningTrees.fromJsonLine("{"));
    assertThrows(IllegalArgumentException.class, () -> ReasoningTrees.fromJsonLine("{\"id\":1}"));
  }
}
