package io.rstar4j.train.data;

import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.tree.NodeKind;
import io.rstar4j.core.tree.ReasoningNode;
import io.rstar4j.core.tree.ReasoningTree;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Policy SFT records from a searched tree, as the reference selects them: every root-to-leaf path
 * ending in a correct answer, stably sorted by (mean Q, min Q) descending, the first {@link
 * ExtractionConfig#sftPerProblem()} kept, then those whose response mentions {@code error} dropped
 * (or, with {@link ExtractionConfig.DroppedTraces#REPLACED}, those dropped first and the best of
 * the rest kept).
 */
public final class SftSelection {
  private SftSelection() {}

  /**
   * The SFT records of one tree, best first.
   *
   * @param grader decides whether an answer leaf matches a gold answer (the golden-tree scripts'
   *     rule is {@link AnswerGrader#whitespaceInsensitive()}; pass the grader the search used)
   * @throws NullPointerException if an argument is null
   */
  public static List<SftRecord> select(
      ReasoningTree tree, ExtractionConfig config, AnswerGrader grader) {
    Objects.requireNonNull(tree, "tree");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(grader, "grader");
    if (!tree.problem().hasGold() || config.sftPerProblem() == 0) {
      return List.of();
    }
    record Scored(int leaf, double mean, double min) {}
    List<Scored> correct = new ArrayList<>();
    for (int i = 1; i < tree.size(); i++) { // pre-order: leaves come in depth-first path order
      if (!tree.isLeaf(i)) {
        continue;
      }
      ReasoningNode leaf = tree.node(i);
      if (leaf.kind() != NodeKind.ANSWER
          || !grader.matchesAny(leaf.answer().orElseThrow(), tree.problem().goldAnswers())) {
        continue;
      }
      List<Integer> path = tree.lineage(i);
      double sum = 0.0;
      double min = Double.POSITIVE_INFINITY;
      for (int s : path) {
        double q = tree.node(s).q();
        sum += q;
        if (q < min) {
          min = q;
        }
      }
      correct.add(new Scored(i, sum / path.size(), min));
    }
    correct.sort(
        (a, b) -> {
          if (a.mean() != b.mean()) {
            return a.mean() > b.mean() ? -1 : 1;
          }
          if (a.min() != b.min()) {
            return a.min() > b.min() ? -1 : 1;
          }
          return 0;
        });
    String excluded = config.excludedSubstring().toLowerCase(Locale.ROOT);
    boolean replaced = config.droppedTraces() == ExtractionConfig.DroppedTraces.REPLACED;
    List<SftRecord> out = new ArrayList<>();
    int considered = 0;
    for (Scored s : correct) {
      if (replaced ? out.size() == config.sftPerProblem() : considered == config.sftPerProblem()) {
        break;
      }
      considered++;
      String response = TextOps.pythonStrip(tree.textTo(s.leaf()));
      if (!excluded.isEmpty() && response.toLowerCase(Locale.ROOT).contains(excluded)) {
        continue;
      }
      out.add(new SftRecord(tree.problem().question(), response));
    }
    return out;
  }
}
