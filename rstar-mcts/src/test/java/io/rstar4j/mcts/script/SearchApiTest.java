package io.rstar4j.mcts.script;

import static io.rstar4j.mcts.script.Scripts.answer;
import static io.rstar4j.mcts.script.Scripts.codeEnd;
import static io.rstar4j.mcts.script.Scripts.error;
import static io.rstar4j.mcts.script.Scripts.script;
import static io.rstar4j.mcts.script.Scripts.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.Problem;
import io.rstar4j.core.RewardModel;
import io.rstar4j.mcts.AnswerSelection;
import io.rstar4j.mcts.Baselines;
import io.rstar4j.mcts.LockStepResult;
import io.rstar4j.mcts.ReasoningSearch;
import io.rstar4j.mcts.ScoredAnswer;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.mcts.SearchMode;
import io.rstar4j.mcts.engine.EngineOptions;
import io.rstar4j.mcts.engine.SelectionRule;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchApiTest {

  @Test
  void presetsMirrorTheReferenceAndInvalidValuesAreRejected() {
    SearchConfig b = SearchConfig.bootstrapRound();
    assertEquals(SearchMode.TERMINAL_GUIDED, b.mode());
    assertEquals(8, b.rollouts());
    assertEquals(5, b.candidates());
    assertEquals(2, b.errorsThreshold());
    assertEquals(16, b.engine().maxDepth());
    assertEquals(java.util.OptionalDouble.of(2.0), b.engine().rule().explorationConstant());
    assertEquals(EngineOptions.reference(2.0, 16).terminalMarking(), b.engine().terminalMarking());
    assertEquals(SearchMode.PPM_AUGMENTED, SearchConfig.ppmAugmentedRound().mode());
    assertEquals(1, SearchConfig.ppmAugmentedRound().errorsThreshold());
    assertEquals(SearchMode.TEST_TIME, SearchConfig.testTime().mode());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> b.toBuilder().rollouts(0));
    assertTrue(e.getMessage().contains("rollouts"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SelectionRule.uct(-1));
    assertThrows(IllegalArgumentException.class, () -> SelectionRule.uct(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> b.toBuilder().errorsThreshold(0));
    assertThrows(IllegalArgumentException.class, () -> b.engine().toBuilder().maxDepth(0));
    assertThrows(IllegalArgumentException.class, () -> b.toBuilder().candidates(0));
    // one idiom: a setter given twice is refused; toBuilder() copies without marking
    IllegalStateException twice =
        assertThrows(
            IllegalStateException.class, () -> SearchConfig.builder().rollouts(1).rollouts(2));
    assertEquals("rollouts was already set", twice.getMessage());
    assertEquals(3, b.toBuilder().rollouts(3).build().rollouts());
    assertEquals(
        "mode is required",
        assertThrows(IllegalStateException.class, () -> SearchConfig.builder().build())
            .getMessage());
    assertEquals(b, b.toBuilder().build());
    assertThrows(IllegalArgumentException.class, () -> SearchMode.parse("greedy"));
  }

  @Test
  void aPpmModeNeedsARewardModelAndGoldModesNeedGold() {
    ScriptedProblem sp = ScriptedProblem.parse(script("ppm-augmented", 1, 4, 1, answer("42", 0)));
    assertThrows(
        IllegalStateException.class,
        () -> ReasoningSearch.builder(sp.policy(), sp.verifier()).config(sp.config()).build());
    ReasoningSearch s =
        ReasoningSearch.builder(sp.policy(), sp.verifier())
            .config(sp.config())
            .rewardModel(RewardModel.constant(0))
            .build();
    assertThrows(IllegalArgumentException.class, () -> s.search(Problem.of("x", "q?")));
  }

  @Test
  void rewardScoresOutsideTheRangeAreAContractError() {
    ScriptedProblem sp = ScriptedProblem.parse(script("ppm-augmented", 1, 4, 1, step(0)));
    ReasoningSearch s =
        ReasoningSearch.builder(sp.policy(), sp.verifier())
            .config(sp.config())
            .rewardModel(batch -> new double[] {3.0})
            .build();
    assertThrows(IllegalStateException.class, () -> s.search(sp.problem()));
  }

  @Test
  void answerSelectionByScoreMajorityAndWeightedVote() {
    AnswerGrader g = AnswerGrader.whitespaceInsensitive();
    List<ScoredAnswer> a =
        List.of(
            new ScoredAnswer("1 2", 0.1),
            new ScoredAnswer("7", 0.9),
            new ScoredAnswer("12", 0.2),
            new ScoredAnswer("7", -0.5),
            new ScoredAnswer("12", 0.3));
    assertEquals("7", AnswerSelection.highestScore(a).orElseThrow().answer());
    ScoredAnswer maj = AnswerSelection.majorityVote(a, g).orElseThrow();
    assertEquals("1 2", maj.answer(), "groups by equivalence, named by the first answer");
    assertEquals(0.6, maj.score(), 1e-12);
    ScoredAnswer w = AnswerSelection.scoreWeightedVote(a, g).orElseThrow();
    assertEquals("1 2", w.answer());
    assertEquals(0.6, w.score(), 1e-12);
    List<ScoredAnswer> b =
        List.of(new ScoredAnswer("3", 0.9), new ScoredAnswer("4", 0.2), new ScoredAnswer("4", 0.3));
    assertEquals("4", AnswerSelection.majorityVote(b, g).orElseThrow().answer());
    assertEquals("3", AnswerSelection.scoreWeightedVote(b, g).orElseThrow().answer());
    assertTrue(AnswerSelection.majorityVote(List.of(), g).isEmpty());
  }

  @Test
  void testTimeBestAnswerAndVotesOverSearches() {
    ScriptedProblem sp =
        ScriptedProblem.parse(
            script(
                "test-time",
                8,
                6,
                1,
                step(0.1, answer("5", -0.2)),
                step(0.3, answer("6", 0.7)),
                step(-0.1, answer("5", 0.1))));
    ReasoningSearch s =
        ReasoningSearch.builder(sp.policy(), sp.verifier())
            .config(sp.config())
            .rewardModel(sp.rewardModel())
            .build();
    var r = s.search(sp.problem());
    assertEquals(3, r.answers().size());
    assertEquals(new ScoredAnswer("6", 0.7), r.bestAnswer().orElseThrow());
    LockStepResult many = s.searchAll(List.of(sp.problem(), sp.problem(), sp.problem()));
    List<ScoredAnswer> best = AnswerSelection.bestPerSearch(many.results());
    assertEquals(3, best.size());
    assertEquals("6", AnswerSelection.majorityVote(best, sp.grader()).orElseThrow().answer());
  }

  @Test
  void lockStepHandsOneBatchPerRound() {
    ScriptedProblem sp =
        ScriptedProblem.parse(
            script(
                "ppm-augmented",
                2,
                6,
                1,
                step(0.5, codeEnd("3", 0.2, answer("42", 0))),
                step(0.1)));
    ReasoningSearch s =
        ReasoningSearch.builder(sp.policy(), sp.verifier())
            .config(sp.config())
            .rewardModel(sp.rewardModel())
            .build();
    LockStepResult r = s.searchAll(List.of(sp.problem(), sp.problem(), sp.problem(), sp.problem()));
    assertEquals(4, r.stats().policyBatches().get(0));
    assertEquals(8, r.stats().rewardBatches().get(0), "two new children in each of four trees");
    LockStepResult one = s.searchAll(List.of(sp.problem()));
    assertEquals(4 * one.stats().policyRequests(), r.stats().policyRequests());
    assertEquals(
        one.stats().policyBatches().size(),
        r.stats().policyBatches().size(),
        "four identical trees advance in the same rounds");
  }

  @Test
  void baselinesForTheSameBudget() {
    ScriptedProblem sp =
        ScriptedProblem.parse(
            script(
                "ppm-augmented",
                1,
                6,
                1,
                error(-0.9, answer("1", 0.9)),
                step(0.2, codeEnd("7", 0.4, answer("42", 0.8))),
                step(0.6, answer("13", 0.3))));
    Baselines.Result bon =
        Baselines.bestOfN(
            sp.problem(),
            sp.policy(),
            sp.verifier(),
            sp.rewardModel(),
            sp.grader(),
            4,
            6,
            1,
            Baselines.Choice.REWARD_MODEL);
    // the scripted policy's first candidate is an error: every sample dies at threshold 1
    assertTrue(bon.answer().isEmpty());
    assertEquals(List.of(4), bon.stats().policyBatches());
    Baselines.Result beam =
        Baselines.beamSearch(
            sp.problem(), sp.policy(), sp.verifier(), sp.rewardModel(), 2, 3, 6, 1);
    assertEquals("42", beam.answer().orElseThrow().answer());
    assertEquals(
        List.of("13", "42"), beam.candidates().stream().map(ScoredAnswer::answer).toList());
    assertTrue(beam.stats().generations() > 0);
    Baselines.Result maj =
        Baselines.bestOfN(
            sp.problem(),
            sp.policy(),
            sp.verifier(),
            null,
            sp.grader(),
            3,
            6,
            2,
            Baselines.Choice.MAJORITY);
    assertEquals("1", maj.answer().orElseThrow().answer(), "threshold 2 lets the error step live");
    assertEquals(3, maj.candidates().size());
  }

  @Test
  void concurrentRolloutsWithVirtualLossGiveBiggerBatches() {
    ScriptedProblem sp =
        ScriptedProblem.parse(
            script(
                "test-time",
                4,
                6,
                1,
                step(0.1, step(0.2, answer("5", 0.3))),
                step(0.1, step(0.2, answer("6", 0.3))),
                step(0.1, step(0.2, answer("7", 0.3))),
                step(0.1, step(0.2, answer("8", 0.3)))));
    SearchConfig cfg =
        sp.config().toBuilder()
            .rolloutsInFlight(4)
            .engine(sp.config().engine().toBuilder().virtualLoss(3).build())
            .build();
    ReasoningSearch s =
        ReasoningSearch.builder(sp.policy(), sp.verifier())
            .config(cfg)
            .rewardModel(sp.rewardModel())
            .build();
    LockStepResult r = s.searchAll(List.of(sp.problem()));
    assertEquals(1, r.stats().policyBatches().get(0), "all four rollouts wait on the root");
    assertEquals(4, r.stats().policyBatches().get(1), "virtual loss sends them to four children");
    assertEquals(4, r.results().get(0).answers().size());
    var root = r.results().get(0).tree().root();
    assertEquals(4, root.visits(), "one propagated answer per rollout, no virtual loss left");
    assertEquals(1.2, root.valueSum(), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> cfg.toBuilder().rolloutsInFlight(0));
    assertThrows(IllegalArgumentException.class, () -> cfg.engine().toBuilder().virtualLoss(-1));
  }
}
