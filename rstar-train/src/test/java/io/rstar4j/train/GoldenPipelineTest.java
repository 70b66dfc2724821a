package io.rstar4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.Problem;
import io.rstar4j.core.tree.ReasoningTree;
import io.rstar4j.core.tree.ReasoningTrees;
import io.rstar4j.mcts.ReasoningSearch;
import io.rstar4j.mcts.script.ScriptedProblem;
import io.rstar4j.train.data.CandidatePair;
import io.rstar4j.train.data.ExtractionConfig;
import io.rstar4j.train.data.PreferencePair;
import io.rstar4j.train.data.PreferencePairs;
import io.rstar4j.train.data.SftRecord;
import io.rstar4j.train.data.SftSelection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End to end across modules: the project's own search replays a golden script, its tree goes
 * through the saved-tree JSON line format, and the extraction of that tree equals the reference's
 * SFT records and preference pairs byte for byte. This ties the search's node texts to the
 * extraction rules (the two are built in different modules).
 */
class GoldenPipelineTest {

  private static String resource(String name) throws IOException {
    try (InputStream in = GoldenPipelineTest.class.getResourceAsStream("/golden-trees/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<String> lines(String name) throws IOException {
    List<String> out = new ArrayList<>();
    for (String l : resource(name).split("\n")) {
      if (!l.isEmpty()) {
        out.add(l);
      }
    }
    return out;
  }

  private static ReasoningTree searchAndSave(String base) throws IOException {
    ScriptedProblem script = ScriptedProblem.parse(resource(base + ".script.json"), base);
    ReasoningTree tree =
        ReasoningSearch.builder(script.policy(), script.verifier())
            .grader(script.grader())
            .rewardModel(script.rewardModel())
            .config(script.config())
            .build()
            .search(script.problem())
            .tree();
    // Through the file format, as `rstar extract --trees` reads it.
    return ReasoningTrees.fromJsonLine(ReasoningTrees.toJsonLine(tree));
  }

  @ParameterizedTest
  @ValueSource(strings = {"example-1-terminal-guided", "example-2-ppm-augmented"})
  void searchedTreesExtractToTheReferenceData(String base) throws IOException {
    ReasoningTree tree = searchAndSave(base);
    ExtractionConfig config = ExtractionConfig.reference();

    List<String> sft = new ArrayList<>();
    for (SftRecord r : SftSelection.select(tree, config, AnswerGrader.whitespaceInsensitive())) {
      sft.add(r.toJsonLine());
    }
    assertEquals(lines(base + ".sft.jsonl"), sft, "SFT records");

    List<String> unfiltered = new ArrayList<>();
    for (CandidatePair c : PreferencePairs.candidates(tree, config)) {
      unfiltered.add(c.toJsonLine());
    }
    assertEquals(lines(base + ".pairs-unfiltered.jsonl"), unfiltered, "unfiltered pairs");

    List<String> pairs = new ArrayList<>();
    for (PreferencePair p : PreferencePairs.extract(tree, config)) {
      pairs.add(p.toJsonLine());
    }
    assertEquals(lines(base + ".pairs.jsonl"), pairs, "filtered pairs");
  }

  @ParameterizedTest
  @ValueSource(strings = {"example-3-test-time"})
  void testTimeTreesGiveNoTrainingData(String base) throws IOException {
    ReasoningTree tree = searchAndSave(base);
    // The pair stage never looks at gold: PPM-valued answers are neither correct nor wrong leaves.
    assertTrue(PreferencePairs.candidates(tree, ExtractionConfig.reference()).isEmpty());
    // The SFT stage labels by gold: a test-time tree saved without gold gives nothing.
    ReasoningTree noGold =
        ReasoningTree.of(
            new Problem(tree.problem().id(), tree.problem().question(), List.of()), tree.nodes());
    assertTrue(
        SftSelection.select(
                noGold, ExtractionConfig.reference(), AnswerGrader.whitespaceInsensitive())
            .isEmpty());
  }
}
