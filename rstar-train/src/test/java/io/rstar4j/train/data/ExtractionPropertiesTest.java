package io.rstar4j.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.Problem;
import io.rstar4j.core.PromptTemplate;
import io.rstar4j.core.tree.NodeKind;
import io.rstar4j.core.tree.ReasoningNode;
import io.rstar4j.core.tree.ReasoningTree;
import io.rstar4j.core.tree.ReasoningTrees;
import java.io.BufferedReader;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Properties of extraction on random trees. */
class ExtractionPropertiesTest {

  /**
   * Random trees with unique node texts, so that records can be traced back to their nodes. Built
   * recursively as nested nodes, then flattened in pre-order (children in order).
   */
  static final class RandomTree {
    final Random rnd;
    int next;
    final String tag;

    /** A node under construction: its fields and its children. */
    record Nested(
        String text,
        NodeKind kind,
        String answer,
        int visits,
        double valueSum,
        boolean terminal,
        List<Nested> children) {}

    RandomTree(long seed, String tag) {
      this.rnd = new Random(seed);
      this.tag = tag;
    }

    ReasoningTree build(String question) {
      Nested root = node(0, true);
      List<ReasoningNode> nodes = new ArrayList<>();
      flatten(root, -1, nodes);
      return ReasoningTree.of(Problem.of(tag, question, "1"), nodes);
    }

    private static void flatten(Nested n, int parent, List<ReasoningNode> out) {
      int index = out.size();
      out.add(
          new ReasoningNode(
              parent,
              n.text(),
              n.kind(),
              Optional.ofNullable(n.answer()),
              n.visits(),
              n.valueSum(),
              n.terminal()));
      for (Nested c : n.children()) {
        flatten(c, index, out);
      }
    }

    private String text(String kind) {
      int len = rnd.nextInt(40);
      StringBuilder sb = new StringBuilder("<" + tag + "#" + (next++) + " " + kind + ">");
      for (int i = 0; i < len; i++) {
        sb.append("ab xy\n".charAt(rnd.nextInt(6)));
      }
      if (rnd.nextInt(10) == 0) {
        sb.append("Error");
      }
      return sb.toString();
    }

    private Nested node(int depth, boolean root) {
      int nChildren = root ? 1 + rnd.nextInt(4) : depth >= 5 ? 0 : rnd.nextInt(4);
      if (!root && nChildren == 0) {
        return leaf();
      }
      List<Nested> ch = new ArrayList<>();
      int visits = 0;
      double w = 0;
      for (int i = 0; i < nChildren; i++) {
        Nested c = node(depth + 1, false);
        ch.add(c);
        visits += c.visits();
        w += c.valueSum();
      }
      int extra = rnd.nextInt(3);
      visits += extra;
      w += extra * (rnd.nextDouble() * 2 - 1);
      return new Nested(
          root ? "" : text("step"),
          root ? NodeKind.ROOT : NodeKind.STEP,
          null,
          visits,
          w,
          false,
          ch);
    }

    private Nested leaf() {
      switch (rnd.nextInt(6)) {
        case 0, 1 -> {
          return new Nested(
              text("answer") + "\\boxed{1}", NodeKind.ANSWER, " 1 ", 1, 1.0, true, List.of());
        }
        case 2, 3 -> {
          return new Nested(
              text("answer") + "\\boxed{2}", NodeKind.ANSWER, "2", 1, -1.0, true, List.of());
        }
        case 4 -> {
          return new Nested(text("error"), NodeKind.CODE_ERROR, null, 1, -1.0, true, List.of());
        }
        default -> {
          int n = rnd.nextInt(2);
          return new Nested(text("open"), NodeKind.STEP, null, n, n * 0.3, false, List.of());
        }
      }
    }
  }

  /** Node index by its (unique) text. */
  static final class Index {
    final ReasoningTree tree;
    final Map<String, Integer> byText = new HashMap<>();

    Index(ReasoningTree tree) {
      this.tree = tree;
      for (int i = 0; i < tree.size(); i++) {
        byText.put(tree.node(i).text(), i);
      }
    }

    ReasoningNode node(String text) {
      Integer i = byText.get(text);
      return i == null ? null : tree.node(i);
    }

    int parent(String text) {
      return tree.parent(byText.get(text));
    }

    String prefix(String head, int n) {
      List<String> texts = new ArrayList<>();
      for (int x = n; x >= 0; x = tree.parent(x)) {
        texts.add(0, tree.node(x).text());
      }
      return head + String.join("", texts);
    }

    boolean hasLeaf(String text, double q) {
      return hasLeaf(byText.get(text), q);
    }

    boolean hasLeaf(int n, double q) {
      if (tree.isLeaf(n)) {
        return tree.node(n).kind() == NodeKind.ANSWER && tree.node(n).q() == q;
      }
      for (int c : tree.children(n)) {
        if (hasLeaf(c, q)) {
          return true;
        }
      }
      return false;
    }
  }

  @Test
  void chosenStepsLeadToACorrectLeafAndRejectedToAWrongOne() {
    qt().withExamples(300)
        .forAll(longs().all())
        .checkAssert(
            seed -> {
              ReasoningTree tree = new RandomTree(seed, "t").build("What is 1?");
              Index idx = new Index(tree);
              String head = PromptTemplate.TRAINING.head("What is 1?");
              for (CandidatePair c :
                  PreferencePairs.candidates(tree, ExtractionConfig.reference())) {
                ReasoningNode a = idx.node(c.chosenStep());
                ReasoningNode b = idx.node(c.rejectedStep());
                assertNotNull(a);
                assertNotNull(b);
                assertTrue(
                    idx.hasLeaf(c.chosenStep(), 1.0), "chosen step has a correct leaf below");
                assertTrue(
                    idx.hasLeaf(c.rejectedStep(), -1.0), "rejected step has a wrong leaf below");
                assertEquals(idx.parent(c.chosenStep()), idx.parent(c.rejectedStep()), "siblings");
                assertEquals(idx.prefix(head, idx.parent(c.chosenStep())), c.prefix());
                assertTrue(c.chosenSteps().startsWith(c.chosenStep()));
                assertTrue(c.rejectedSteps().startsWith(c.rejectedStep()));
                assertTrue(c.stepMargin() > 0 && c.stepsMargin() > 0);
                assertEquals(a.q() - b.q(), c.stepMargin(), 0.0);
                assertTrue(c.posCount() >= 1 && c.posCount() <= 4);
                assertTrue(c.negCount() >= 1 && c.negCount() <= 4);
              }
            });
  }

  @Test
  void filteredPairsRespectTheThresholds() {
    qt().withExamples(200)
        .forAll(longs().all(), integers().between(0, 100), integers().between(0, 40))
        .checkAssert(
            (seed, marginPercent, distance) -> {
              ExtractionConfig cfg =
                  ExtractionConfig.builder()
                      .minStepMargin(marginPercent / 50.0)
                      .minEditDistance(distance)
                      .build();
              ReasoningTree tree = new RandomTree(seed, "t").build("What is 1?");
              List<CandidatePair> cands = PreferencePairs.candidates(tree, cfg);
              List<PreferencePair> pairs = PreferencePairs.filter(cands, cfg);
              Index idx = new Index(tree);
              int kept = 0;
              for (CandidatePair c : cands) {
                boolean ok =
                    c.stepMargin() >= cfg.minStepMargin()
                        && TextOps.levenshtein(c.chosenStep(), c.rejectedStep()) >= distance;
                if (ok) {
                  assertEquals(c.toPair(), pairs.get(kept++));
                }
              }
              assertEquals(kept, pairs.size());
              for (PreferencePair p : pairs) {
                double margin = idx.node(p.pos()).q() - idx.node(p.neg()).q();
                assertTrue(margin >= cfg.minStepMargin());
              }
            });
  }

  @Test
  void sftResponsesEndInACorrectAnswer() {
    qt().withExamples(300)
        .forAll(longs().all())
        .checkAssert(
            seed -> {
              ReasoningTree tree = new RandomTree(seed, "t").build("What is 1?");
              List<SftRecord> recs =
                  SftSelection.select(
                      tree, ExtractionConfig.reference(), AnswerGrader.whitespaceInsensitive());
              assertTrue(recs.size() <= 2);
              for (SftRecord r : recs) {
                assertEquals("What is 1?", r.query());
                ReasoningNode last = null;
                for (ReasoningNode n : tree.nodes()) {
                  if (n.kind() == NodeKind.ANSWER && r.response().endsWith(n.text().strip())) {
                    last = n;
                  }
                }
                assertNotNull(last, "ends with an answer step");
                assertTrue(
                    AnswerGrader.whitespaceInsensitive()
                        .matchesAny(last.answer().orElseThrow(), List.of("1")));
                assertTrue(!r.response().toLowerCase().contains("error"));
              }
            });
  }

  @Test
  void noPairCrossesProblemsInAStream() {
    qt().withExamples(50)
        .forAll(longs().all(), integers().between(1, 6))
        .checkAssert(
            (seed, nTrees) -> {
              StringBuilder in = new StringBuilder();
              List<ReasoningTree> trees = new ArrayList<>();
              for (int i = 0; i < nTrees; i++) {
                ReasoningTree t = new RandomTree(seed + i, "p" + i).build("Question " + i + "?");
                trees.add(t);
                in.append(ReasoningTrees.toJsonLine(t)).append('\n');
              }
              StringWriter sft = new StringWriter();
              StringWriter pairs = new StringWriter();
              ExtractionConfig cfg =
                  ExtractionConfig.builder().minEditDistance(0).minStepMargin(0).build();
              new TrainingDataExtractor(cfg, AnswerGrader.whitespaceInsensitive())
                  .extract(
                      new BufferedReader(new StringReader(in.toString())), sft, pairs, null, null);
              int lastTree = 0;
              for (String line : pairs.toString().split("\n")) {
                if (line.isEmpty()) {
                  continue;
                }
                PreferencePair p = PreferencePair.fromJsonLine(line);
                int owner = -1;
                for (int i = 0; i < nTrees; i++) {
                  if (p.prompt().startsWith(PromptTemplate.TRAINING.head("Question " + i + "?"))) {
                    owner = i;
                  }
                }
                assertTrue(owner >= lastTree, "pairs come in tree order");
                lastTree = owner;
                Index idx = new Index(trees.get(owner));
                assertNotNull(idx.node(p.pos()), "chosen step from the same tree");
                assertNotNull(idx.node(p.neg()), "rejected step from the same tree");
              }
            });
  }

  @Test
  void theRandomTreesExerciseTheRules() {
    int pairs = 0;
    int filtered = 0;
    int sft = 0;
    int sftDroppedForError = 0;
    for (long seed = 0; seed < 300; seed++) {
      ReasoningTree tree = new RandomTree(seed, "t").build("What is 1?");
      List<CandidatePair> c = PreferencePairs.candidates(tree, ExtractionConfig.reference());
      pairs += c.size();
      filtered += PreferencePairs.filter(c, ExtractionConfig.reference()).size();
      sft +=
          SftSelection.select(
                  tree, ExtractionConfig.reference(), AnswerGrader.whitespaceInsensitive())
              .size();
      sftDroppedForError +=
          SftSelection.select(
                  tree,
                  ExtractionConfig.builder().excludedSubstring("").build(),
                  AnswerGrader.whitespaceInsensitive())
              .size();
    }
    assertTrue(pairs > 100, "candidates: " + pairs);
    assertTrue(filtered > 20 && filtered < pairs, "filtered: " + filtered);
    assertTrue(sft > 50 && sftDroppedForError > sft, "sft: " + sft + " / " + sftDroppedForError);
  }
}
