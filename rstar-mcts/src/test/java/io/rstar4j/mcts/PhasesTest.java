package io.rstar4j.mcts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Generation;
import io.rstar4j.core.Policy;
import io.rstar4j.core.Problem;
import io.rstar4j.core.RewardModel;
import io.rstar4j.core.Step;
import io.rstar4j.core.StepFormat;
import io.rstar4j.core.Trajectory;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.tree.NodeKind;
import io.rstar4j.mcts.engine.NewChild;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The search's pure phases alone, and the contract checks it shares with the baselines. */
class PhasesTest {

  static String body(String text) {
    String stop = StepFormat.stopStringOf(text).orElse(null);
    if (stop == null) {
      return text;
    }
    String t = text.stripTrailing();
    return t.substring(0, t.length() - stop.length());
  }

  static List<Generation> randomGenerations(long seed, int n) {
    Random rnd = new Random(seed);
    String[] stops = {"<end_of_step>", "<end_of_code>", "<end_of_answer>", "", " \n"};
    List<Generation> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String body =
          rnd.nextInt(4) == 0 ? "\\boxed{" + rnd.nextInt(3) + "}" : "x = " + rnd.nextInt(4);
      out.add(Generation.of(body + stops[rnd.nextInt(stops.length)]));
    }
    return out;
  }

  @Test
  void classifyDeduplicatesAppliesTheAnswerRuleAndParses() {
    qt().withExamples(500)
        .forAll(longs().all(), integers().between(0, 12))
        .checkAssert(
            (seed, n) -> {
              List<Generation> gens = randomGenerations(seed, n);
              List<ReasoningSearch.Candidate> out = ReasoningSearch.classify(gens);
              // the first of each body, in order; then only the first answer-stopped one if any
              List<String> want = new ArrayList<>();
              Set<String> seen = new HashSet<>();
              for (Generation g : gens) {
                if (seen.add(body(g.text()))) {
                  want.add(g.text());
                }
              }
              for (String t : want) {
                if (StepFormat.stopStringOf(t).filter("<end_of_answer>"::equals).isPresent()) {
                  want = List.of(t);
                  break;
                }
              }
              assertEquals(want, out.stream().map(c -> c.step().text()).toList());
              for (ReasoningSearch.Candidate c : out) {
                assertEquals(Step.parse(c.step().text()), c.step());
                boolean stopped = StepFormat.stopStringOf(c.step().text()).isPresent();
                if (c instanceof ReasoningSearch.Candidate.Answer) {
                  assertTrue(c.step() instanceof Step.Answer);
                } else if (c instanceof ReasoningSearch.Candidate.Truncated) {
                  assertTrue(!stopped && c.step() instanceof Step.Unparsable);
                } else {
                  assertTrue(stopped && !(c.step() instanceof Step.Answer));
                }
              }
            });
  }

  @Test
  void settledChildrenFollowTheReferenceRules() {
    ReasoningSearch s =
        ReasoningSearch.builder(b -> List.of(), new NoVerifier())
            .config(SearchConfig.bootstrapRound())
            .build();
    Step code = Step.parse("x = 1\n<end_of_step>");
    ExecutionOutcome ok = new ExecutionOutcome.Output("1", Duration.ZERO);
    ExecutionOutcome err = new ExecutionOutcome.Error("NameError: y", Duration.ZERO);
    ReasoningSearch.Child plain = s.settleCode(code, ok, 1, 3);
    assertEquals(NodeKind.STEP, plain.node().kind);
    assertEquals(0, plain.node().errors);
    assertEquals(NewChild.Update.NONE, plain.update());
    ReasoningSearch.Child first = s.settleCode(code, err, 0, 3);
    assertEquals(1, first.node().errors, "below the bootstrap threshold 2");
    assertTrue(!first.terminal());
    ReasoningSearch.Child second = s.settleCode(code, err, 1, 3);
    assertEquals(NodeKind.CODE_ERROR, second.node().kind);
    assertTrue(second.terminal() && second.value() == -1.0);
    assertEquals(NewChild.Update.SELF, second.update());
    assertEquals(NodeKind.TOO_DEEP, s.settleCode(code, ok, 0, 17).node().kind);
    Step.Answer answer = (Step.Answer) Step.parse("\\boxed{4}<end_of_answer>");
    ReasoningSearch.Child right =
        ReasoningSearch.settleAnswer(answer, SearchMode.PPM_AUGMENTED, true);
    assertEquals(1.0, right.value());
    assertEquals(NewChild.Update.BACKPROP, right.update());
    assertTrue(ReasoningSearch.settleAnswer(answer, SearchMode.TEST_TIME, false).scored());
  }

  private static final class NoVerifier implements Verifier {
    @Override
    public ExecutionOutcome execute(String program) {
      throw new AssertionError("not called");
    }
  }

  static final Problem P = Problem.of("p", "What is 1 + 1?", "2");

  static final Policy ONE_ANSWER =
      batch -> {
        List<List<Generation>> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
          out.add(List.of(Generation.of("<answer>\\boxed{2}<end_of_answer>")));
        }
        return out;
      };

  @Test
  void theSearchAndTheBaselinesRefuseTheSameBrokenAnswers() {
    Verifier v = new NoVerifier();
    Policy tooFew = batch -> List.of();
    Policy nullList = batch -> java.util.Collections.singletonList(null);
    RewardModel outOfRange = batch -> new double[] {1.5};
    RewardModel tooMany = batch -> new double[] {0, 0};
    for (Policy broken : List.of(tooFew, nullList)) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> ReasoningSearch.builder(broken, v).build().search(P));
      assertTrue(e.getMessage().startsWith("Policy.propose broke its contract"), e.getMessage());
      IllegalStateException b =
          assertThrows(
              IllegalStateException.class,
              () ->
                  Baselines.bestOfN(
                      P,
                      broken,
                      v,
                      null,
                      io.rstar4j.core.AnswerGrader.whitespaceInsensitive(),
                      1,
                      2,
                      1,
                      Baselines.Choice.MAJORITY));
      assertEquals(e.getMessage(), b.getMessage());
    }
    for (RewardModel broken : List.of(outOfRange, tooMany)) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () ->
                  ReasoningSearch.builder(ONE_ANSWER, v)
                      .config(SearchConfig.testTime().toBuilder().rollouts(1).build())
                      .rewardModel(broken)
                      .build()
                      .search(Problem.of("p", "What is 1 + 1?")));
      assertTrue(e.getMessage().startsWith("RewardModel.score broke its contract"), e.getMessage());
      IllegalStateException b =
          assertThrows(
              IllegalStateException.class,
              () -> Baselines.beamSearch(P, ONE_ANSWER, v, broken, 1, 1, 2, 1));
      assertEquals(e.getMessage(), b.getMessage());
    }
    Policy code = batch -> List.of(List.of(Generation.of("<code>\nx = 1\n<end_of_step>")));
    Verifier silent =
        new Verifier() {
          @Override
          public ExecutionOutcome execute(String program) {
            return null;
          }

          @Override
          public ExecutionOutcome executeStep(Trajectory before, Step step) {
            return null;
          }
        };
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> ReasoningSearch.builder(code, silent).build().search(P));
    assertTrue(
        e.getMessage().startsWith("Verifier.executeSteps broke its contract"), e.getMessage());
  }
}
