package io.rstar4j.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.Problem;
import io.rstar4j.core.tree.NodeKind;
import io.rstar4j.core.tree.ReasoningNode;
import io.rstar4j.core.tree.ReasoningTree;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each extraction rule of golden-trees/README.md on a small tree of its own, with the values worked
 * out by hand from the README (not from the code under test), and the near miss next to it.
 */
class ExtractionRulesTest {
  static final String ERR = "NameError: name 'undefined_variable' is not defined";
  static final String HEAD =
      "<|user|>:\nq\n<|assistant|>: Let's think step by step and solve the problem with code.";

  /** Nodes in pre-order; {@code add} returns the new node's index. */
  static final class Tree {
    final List<ReasoningNode> nodes = new ArrayList<>();

    Tree() {
      nodes.add(ReasoningNode.root(0, 0.0, false));
    }

    int step(int parent, String text, double q) {
      nodes.add(ReasoningNode.step(parent, text, NodeKind.STEP, 2, 2 * q, false));
      return nodes.size() - 1;
    }

    int kind(int parent, String text, NodeKind kind, double q) {
      nodes.add(ReasoningNode.step(parent, text, kind, 1, q, true));
      return nodes.size() - 1;
    }

    int answer(int parent, String answer, double q) {
      nodes.add(
          ReasoningNode.answer(
              parent, "<answer>\\boxed{" + answer + "}<end_of_answer>", answer, 1, q, true));
      return nodes.size() - 1;
    }

    ReasoningTree build() {
      return ReasoningTree.of(new Problem("p", "q", List.of("1")), nodes);
    }
  }

  static List<String> sft(ReasoningTree t, ExtractionConfig c) {
    return SftSelection.select(t, c, AnswerGrader.whitespaceInsensitive()).stream()
        .map(SftRecord::response)
        .toList();
  }

  static String code(String body) {
    return "<code>\n" + body + "<end_of_code>\n<output>1<end_of_output>";
  }

  // ---- SFT: error steps below and at the threshold, <end_of_step> and <end_of_code> steps ----

  /**
   * s1: an {@code <end_of_code>} step that errored below the threshold (its output is the error),
   * recovered from; s2: an {@code <end_of_step>} step that errored (no output: nothing says error);
   * s3: a clean {@code <end_of_code>} step; s4: a code-error leaf at the threshold (doubled tags).
   * Means: s1 path (0.9 + 1) / 2 = 0.95, s2 0.9, s3 0.75.
   */
  static ReasoningTree errorTree() {
    Tree t = new Tree();
    int s1 =
        t.step(
            0,
            "<code>\nx = undefined_variable<end_of_code>\n<output>" + ERR + "<end_of_output>",
            0.9);
    t.answer(s1, "1", 1.0);
    int s2 = t.step(0, "<code>\ny = undefined_variable<end_of_step>", 0.8);
    t.answer(s2, "1", 1.0);
    int s3 = t.step(0, code("print(1)"), 0.5);
    t.answer(s3, "1", 1.0);
    t.answer(s3, "2", -1.0);
    t.kind(
        0,
        "<code>\nz = undefined_variable<end_of_code>\n<output><output>"
            + ERR
            + "<end_of_output><end_of_output>",
        NodeKind.CODE_ERROR,
        -1.0);
    return t.build();
  }

  static final String R1 =
      "<code>\nx = undefined_variable<end_of_code>\n<output>"
          + ERR
          + "<end_of_output><answer>\\boxed{1}<end_of_answer>";
  static final String R2 =
      "<code>\ny = undefined_variable<end_of_step><answer>\\boxed{1}<end_of_answer>";
  static final String R3 = code("print(1)") + "<answer>\\boxed{1}<end_of_answer>";

  @Test
  void referenceDropsTheRecoveredErrorPathAndDoesNotReplaceIt() {
    // top 2 = [s1, s2]; s1 mentions the error and is dropped; s3 does not move up
    assertEquals(List.of(R2), sft(errorTree(), ExtractionConfig.reference()));
  }

  @Test
  void anEndOfStepErrorBelowTheThresholdLeavesNoTraceInTheText() {
    // the near miss of the drop: the same error on an <end_of_step> step carries no output
    assertFalse(R2.toLowerCase(java.util.Locale.ROOT).contains("error"));
    assertTrue(sft(errorTree(), ExtractionConfig.reference()).contains(R2));
  }

  @Test
  void replacedDroppedTracesTakeTheNextBest() {
    ExtractionConfig c =
        ExtractionConfig.builder().droppedTraces(ExtractionConfig.DroppedTraces.REPLACED).build();
    assertEquals(List.of(R2, R3), sft(errorTree(), c));
    // with nothing to drop, replacing changes nothing
    ExtractionConfig none =
        ExtractionConfig.builder()
            .droppedTraces(ExtractionConfig.DroppedTraces.REPLACED)
            .excludedSubstring("")
            .build();
    assertEquals(List.of(R1, R2), sft(errorTree(), none));
  }

  @Test
  void keepingErrorTracesKeepsTheRecoveredPathInItsPlace() {
    ExtractionConfig c = ExtractionConfig.builder().excludedSubstring("").build();
    assertEquals(List.of(R1, R2), sft(errorTree(), c));
  }

  @Test
  void aCodeErrorLeafAtTheThresholdReachesNoOutput() throws IOException {
    ExtractionConfig c =
        ExtractionConfig.builder()
            .excludedSubstring("")
            .minStepMargin(-10)
            .minEditDistance(0)
            .build();
    StringWriter sft = new StringWriter();
    StringWriter pairs = new StringWriter();
    StringWriter all = new StringWriter();
    ExtractionSummary s =
        new TrainingDataExtractor(c, AnswerGrader.whitespaceInsensitive())
            .write(errorTree(), sft, pairs, all);
    assertTrue(s.candidatePairs() > 0, "the tree has pairs");
    for (String out : List.of(sft.toString(), pairs.toString(), all.toString())) {
      assertFalse(out.contains("z = undefined_variable"), out);
      assertFalse(out.contains("<output><output>"), out);
    }
    // the code-error leaf (Q = -1) is not a wrong leaf: the root's rejected side is s3 alone
    for (CandidatePair p : PreferencePairs.candidates(errorTree(), c)) {
      if (p.prefix().equals(HEAD)) {
        assertEquals(code("print(1)"), p.rejectedStep());
        assertEquals(1, p.negCount());
      }
    }
  }

  // ---- SFT: ties in the sort ----

  @Test
  void sftSortsByMeanThenMinAndKeepsPathOrderOnFullTies() {
    Tree t = new Tree();
    // (binary-exact values, so the ties are exact) path A: 0.25, 0.75, 1 -> mean 2/3, min 0.25;
    // path B: 0.5, 0.5, 1 -> mean 2/3, min 0.5 (wins the tie on min); path C: 0.75, 1 -> mean
    // 0.875; path D: the same as C -> a full tie, kept in path order
    int a = t.step(0, "A", 0.25);
    int a2 = t.step(a, "a", 0.75);
    t.answer(a2, "1", 1.0);
    int b = t.step(0, "B", 0.5);
    int b2 = t.step(b, "b", 0.5);
    t.answer(b2, "1", 1.0);
    int c = t.step(0, "C", 0.75);
    t.answer(c, "1", 1.0);
    int d = t.step(0, "D", 0.75);
    t.answer(d, "1", 1.0);
    ReasoningTree tree = t.build();
    String ans = "<answer>\\boxed{1}<end_of_answer>";
    ExtractionConfig all = ExtractionConfig.builder().sftPerProblem(10).build();
    assertEquals(List.of("C" + ans, "D" + ans, "Bb" + ans, "Aa" + ans), sft(tree, all));
    assertEquals(List.of("C" + ans, "D" + ans), sft(tree, ExtractionConfig.reference()));
    assertEquals(
        List.of("C" + ans), sft(tree, ExtractionConfig.builder().sftPerProblem(1).build()));
  }

  // ---- pairs: ties, one-node lists, a child in both lists ----

  @Test
  void pairListsKeepCreationOrderOnTiesAndTakeTwoPerSide() {
    Tree t = new Tree();
    int a = t.step(0, "a", 0.5);
    t.answer(a, "1", 1.0);
    t.answer(a, "2", -1.0);
    int b = t.step(0, "b", 0.5); // ties with a: a stays first
    t.answer(b, "1", 1.0);
    int d = t.step(0, "d", -0.5);
    t.answer(d, "2", -1.0);
    int e = t.step(0, "e", -0.5); // ties with d: d stays first, e is left out (two per side)
    t.answer(e, "2", -1.0);
    int f = t.step(0, "f", -0.9);
    t.answer(f, "2", -1.0);
    List<CandidatePair> got = PreferencePairs.candidates(t.build(), ExtractionConfig.reference());
    List<String> pairs = new ArrayList<>();
    for (CandidatePair p : got) {
      pairs.add(
          p.chosenStep().charAt(0)
              + ">"
              + p.rejectedStep().charAt(0)
              + " "
              + p.posCount()
              + ","
              + p.negCount());
    }
    // root: P = [a, b], M = [f, d]; then a (both kinds below): P = [a1], M = [a2], 1 and 1
    assertEquals(List.of("a>f 2,2", "a>d 2,2", "b>f 2,2", "b>d 2,2", "<>< 1,1"), pairs);
    CandidatePair af = got.get(0);
    assertEquals(HEAD, af.prefix());
    assertEquals(0.5 - -0.9, af.stepMargin());
    assertEquals((0.5 + 1.0) / 2 - (-0.9 + -1.0) / 2, af.stepsMargin());
    assertEquals("a<answer>\\boxed{1}<end_of_answer>", af.chosenSteps());
    assertEquals(HEAD + "a", got.get(4).prefix());
  }

  @Test
  void aSingleChosenWidensTheRejectedSideAndIsNeverPairedWithItself() {
    Tree t = new Tree();
    int h = t.step(0, "h", -0.8);
    t.answer(h, "2", -1.0);
    int a = t.step(0, "a", 0.2); // the only chosen child, also rejected
    t.answer(a, "1", 1.0);
    t.answer(a, "2", -1.0);
    int g = t.step(0, "g", 0.9);
    t.answer(g, "2", -1.0);
    List<CandidatePair> got = PreferencePairs.candidates(t.build(), ExtractionConfig.reference());
    // root: P = [a], M = [h, a, g] (up to 4): (a, h) only, a is not paired with itself, (a, g)
    // has a negative margin; the counts are the list sizes
    CandidatePair first = got.get(0);
    assertEquals("a", first.chosenStep());
    assertEquals("h", first.rejectedStep());
    assertEquals(1, first.posCount());
    assertEquals(3, first.negCount());
    assertEquals(2, got.size()); // then a's own pair
    assertEquals(HEAD + "a", got.get(1).prefix());
  }

  @Test
  void aSingleRejectedWidensTheChosenSideToFour() {
    Tree t = new Tree();
    for (String s : List.of("c1", "c2", "c3", "c4", "c5")) {
      int c = t.step(0, s, 0.9 - 0.1 * t.nodes.size());
      t.answer(c, "1", 1.0);
    }
    int w = t.step(0, "w", -0.5);
    t.answer(w, "2", -1.0);
    List<CandidatePair> got = PreferencePairs.candidates(t.build(), ExtractionConfig.reference());
    assertEquals(
        List.of("c1", "c2", "c3", "c4"), got.stream().map(CandidatePair::chosenStep).toList());
    for (CandidatePair p : got) {
      assertEquals(4, p.posCount());
      assertEquals(1, p.negCount());
    }
  }

  // ---- the filter: margin and edit-distance boundaries ----

  static CandidatePair pair(String chosen, String rejected, double margin) {
    return new CandidatePair(HEAD, chosen, chosen, rejected, rejected, margin, 1.0, HEAD, 1, 1);
  }

  @Test
  void theFilterKeepsTheBoundaryAndDropsJustBelowIt() {
    ExtractionConfig c = ExtractionConfig.reference();
    String base = "print(v1 + v2 + v3)  ";
    assertEquals(21, base.length());
    // 20 substitutions: kept; 19: dropped
    String twenty = "X".repeat(20) + base.substring(20);
    String nineteen = "X".repeat(19) + base.substring(19);
    assertEquals(20, TextOps.levenshtein(base, twenty));
    assertEquals(19, TextOps.levenshtein(base, nineteen));
    assertTrue(PreferencePairs.passesFilter(pair(twenty, base, 0.5), c));
    assertFalse(PreferencePairs.passesFilter(pair(nineteen, base, 0.5), c));
    // insertions count one each: the empty step against 20 characters is at the boundary
    assertTrue(PreferencePairs.passesFilter(pair("", "y".repeat(20), 0.5), c));
    assertFalse(PreferencePairs.passesFilter(pair("", "y".repeat(19), 0.5), c));
    // the margin: 0.5 kept, the next double below dropped
    assertFalse(PreferencePairs.passesFilter(pair(twenty, base, Math.nextDown(0.5)), c));
  }
}
