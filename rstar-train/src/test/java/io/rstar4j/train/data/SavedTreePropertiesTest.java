package io.rstar4j.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.tree.ReasoningTree;
import io.rstar4j.core.tree.ReasoningTrees;
import io.rstar4j.mcts.ReasoningSearch;
import io.rstar4j.mcts.script.ScriptedProblem;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The one flat saved-tree shape against the path it replaced: export, JSON and extraction give
 * exactly what the old recursive records and the old index arrays gave ({@link LegacyExtraction}),
 * on random trees and on random searches.
 */
class SavedTreePropertiesTest {
  private static final AnswerGrader GRADER = AnswerGrader.whitespaceInsensitive();

  /** The records of the new path, in memory and through JSON, equal the old path's from JSON. */
  static int assertSameRecords(ReasoningTree tree, ExtractionConfig cfg) {
    String line = ReasoningTrees.toJsonLine(tree);
    ReasoningTree back = ReasoningTrees.fromJsonLine(line);
    assertEquals(tree, back, "the flat tree round-trips through JSON");
    LegacyExtraction.Tree old = LegacyExtraction.read(line);
    List<String> sft =
        SftSelection.select(tree, cfg, AnswerGrader.whitespaceInsensitive()).stream()
            .map(SftRecord::toJsonLine)
            .toList();
    List<String> oldSft =
        LegacyExtraction.sft(old, cfg, GRADER).stream().map(SftRecord::toJsonLine).toList();
    assertEquals(oldSft, sft, "SFT records");
    assertEquals(
        sft,
        SftSelection.select(back, cfg, AnswerGrader.whitespaceInsensitive()).stream()
            .map(SftRecord::toJsonLine)
            .toList());
    List<CandidatePair> cands = PreferencePairs.candidates(tree, cfg);
    List<CandidatePair> oldCands = LegacyExtraction.candidates(old, cfg);
    assertEquals(oldCands, cands, "unfiltered pairs");
    assertEquals(cands, PreferencePairs.candidates(back, cfg));
    assertEquals(
        PreferencePairs.filter(oldCands, cfg).stream().map(PreferencePair::toJsonLine).toList(),
        PreferencePairs.filter(cands, cfg).stream().map(PreferencePair::toJsonLine).toList(),
        "filtered pairs");
    return sft.size() + cands.size();
  }

  @Test
  void randomTreesExtractAsBefore() {
    int[] records = new int[1];
    qt().withExamples(300)
        .forAll(longs().all(), integers().between(0, 3))
        .checkAssert(
            (seed, variant) -> {
              ReasoningTree tree =
                  new ExtractionPropertiesTest.RandomTree(seed, "t").build("What is 1?");
              records[0] += assertSameRecords(tree, config(variant));
            });
    assertTrue(records[0] > 300, "records compared: " + records[0]);
  }

  static ExtractionConfig config(int variant) {
    return switch (variant) {
      case 0 -> ExtractionConfig.reference();
      case 1 -> ExtractionConfig.builder().minStepMargin(0).minEditDistance(0).build();
      case 2 -> ExtractionConfig.builder().sftPerProblem(5).excludedSubstring("").build();
      default -> ExtractionConfig.builder().pairsPerSide(1, 3).build();
    };
  }

  @Test
  void randomSearchesExportJsonAndExtractAsBefore() {
    int[] nodes = new int[1];
    int[] records = new int[1];
    qt().withExamples(150)
        .forAll(longs().all(), integers().between(0, 3))
        .checkAssert(
            (seed, variant) -> {
              ScriptedProblem sp = ScriptedProblem.parse(randomScript(seed), "s" + seed);
              ReasoningSearch.Builder b =
                  ReasoningSearch.builder(sp.policy(), sp.verifier()).config(sp.config());
              if (sp.config().mode().usesRewardModel()) {
                b.rewardModel(sp.rewardModel());
              }
              ReasoningTree tree = b.build().search(sp.problem()).tree();
              nodes[0] += tree.size();
              records[0] += assertSameRecords(tree, config(variant));
            });
    assertTrue(nodes[0] > 150 * 5, "nodes: " + nodes[0]);
    assertTrue(records[0] > 60, "records compared: " + records[0]);
  }

  /** A golden-tree script with random code steps, errors, answers (right and wrong) and scores. */
  static String randomScript(long seed) {
    Random rnd = new Random(seed);
    String mode = rnd.nextBoolean() ? "terminal-guided" : "ppm-augmented";
    StringBuilder sb = new StringBuilder();
    sb.append("{\"question\": \"What is 3 + 4?\", \"gold\": \"7\", \"config\": {\"mode\": \"")
        .append(mode)
        .append("\", \"rollouts\": ")
        .append(2 + rnd.nextInt(12))
        .append(", \"maxDepth\": ")
        .append(2 + rnd.nextInt(4))
        .append(", \"c\": 2.0, \"errorsThreshold\": ")
        .append(1 + rnd.nextInt(2))
        .append("}, \"root\": {");
    children(sb, rnd, 0, new int[1]);
    return sb.append("}}").toString();
  }

  /** Appends {@code "children": [...]}. */
  private static void children(StringBuilder sb, Random rnd, int depth, int[] next) {
    sb.append("\"children\": [");
    boolean onlyAnswer = depth > 0 && rnd.nextInt(3) == 0; // a step right before the answer
    int k = onlyAnswer ? 1 : 1 + rnd.nextInt(depth == 0 ? 4 : 3);
    for (int i = 0; i < k; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      int id = next[0]++;
      String score = String.format(Locale.ROOT, "%.3f", rnd.nextDouble() * 2 - 1);
      int kind = rnd.nextInt(10);
      if (onlyAnswer || (depth > 0 && kind < 2 && i > 0) || depth >= 5) {
        String answer = rnd.nextBoolean() ? "7" : "8";
        sb.append("{\"text\": \"<answer>So it is \\\\boxed{")
            .append(answer)
            .append("} (")
            .append(id)
            .append(")<end_of_answer>\", \"score\": ")
            .append(score)
            .append('}');
        continue;
      }
      boolean end = kind < 4;
      sb.append("{\"text\": \"")
          .append(depth == 0 ? "<code>\\n" : "\\n")
          .append("v")
          .append(id)
          .append(" = ")
          .append(id)
          .append(end ? "\\nprint(v" + id + ")\\n<end_of_code>" : "\\n<end_of_step>")
          .append("\", \"output\": \"")
          .append(rnd.nextInt(8) == 0 ? "Error here" : String.valueOf(id))
          .append("\", \"error\": ")
          .append(rnd.nextInt(5) == 0)
          .append(", \"score\": ")
          .append(score);
      if (rnd.nextInt(6) != 0) {
        sb.append(", ");
        children(sb, rnd, depth + 1, next);
      }
      sb.append('}');
    }
    sb.append(']');
  }
}
