package io.rstar4j.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.tree.ReasoningTree;
import io.rstar4j.mcts.ReasoningSearch;
import io.rstar4j.mcts.script.ScriptedProblem;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The project's own search, replaying the golden scripts, feeds extraction end to end. */
class SearchToExtractionTest {

  static ReasoningTree search(String base) {
    ScriptedProblem sp = ScriptedProblem.parse(GoldenTrees.resource(base + ".script.json"), base);
    ReasoningSearch.Builder b =
        ReasoningSearch.builder(sp.policy(), sp.verifier()).grader(sp.grader()).config(sp.config());
    if (sp.config().mode().usesRewardModel()) {
      b.rewardModel(sp.rewardModel());
    }
    return b.build().search(sp.problem()).tree();
  }

  @ParameterizedTest
  @ValueSource(strings = {"example-1-terminal-guided", "example-2-ppm-augmented"})
  void searchedTreesGiveTheReferenceRecords(String base) {
    ReasoningTree tree = search(base);
    // the search's node texts and kinds are the ones this module's fixture derives from the README
    assertEquals(GoldenTrees.load(base).nodes(), tree.nodes());
    ExtractionConfig cfg = ExtractionConfig.reference();
    assertEquals(
        GoldenTrees.lines(base + ".sft.jsonl"),
        SftSelection.select(tree, cfg, AnswerGrader.whitespaceInsensitive()).stream()
            .map(SftRecord::toJsonLine)
            .toList());
    assertEquals(
        GoldenTrees.lines(base + ".pairs.jsonl"),
        PreferencePairs.extract(tree, cfg).stream().map(PreferencePair::toJsonLine).toList());
    assertEquals(
        GoldenTrees.lines(base + ".pairs-unfiltered.jsonl"),
        PreferencePairs.candidates(tree, cfg).stream().map(CandidatePair::toJsonLine).toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {"example-3-test-time"})
  void aTestTimeTreeGivesNoPairs(String base) {
    ReasoningTree tree = search(base);
    assertEquals(List.of(), PreferencePairs.candidates(tree, ExtractionConfig.reference()));
  }
}
