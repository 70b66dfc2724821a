package io.rstar4j.mcts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Generation;
import io.rstar4j.core.Policy;
import io.rstar4j.core.PolicyRequest;
import io.rstar4j.core.Problem;
import io.rstar4j.core.RewardModel;
import io.rstar4j.core.RewardRequest;
import io.rstar4j.core.Step;
import io.rstar4j.core.Verifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The evaluation harness on "What is A + B?": the policy's first step adds (right) or multiplies
 * (wrong) by a fixed pattern per problem, the second boxes the printed result; the reward model is
 * a perfect one (+0.9 without a product, -0.9 with one).
 */
class EvaluatorTest {
  private static final Pattern Q = Pattern.compile("What is (\\d+) \\+ (\\d+)\\?");
  private static final Pattern CODE = Pattern.compile("x = (\\d+) ([+*]) (\\d+)");

  /** Right iff the i-th first-step candidate of the problem is right by its pattern. */
  static final class Arithmetic implements Policy {
    final Map<String, Integer> counters = new HashMap<>();
    final List<Integer> batches = new ArrayList<>();
    final boolean alwaysRight;

    Arithmetic(boolean alwaysRight) {
      this.alwaysRight = alwaysRight;
    }

    @Override
    public List<List<Generation>> propose(List<PolicyRequest> batch) {
      batches.add(batch.size());
      List<List<Generation>> out = new ArrayList<>();
      for (PolicyRequest r : batch) {
        List<Generation> gs = new ArrayList<>();
        for (int j = 0; j < r.n(); j++) {
          if (r.partial().isEmpty()) {
            int i = counters.merge(r.problem().id(), 1, Integer::sum) - 1;
            boolean hard = r.problem().id().startsWith("hard");
            boolean right = alwaysRight || (hard ? i % 3 == 2 : i % 2 == 0);
            Matcher m = Q.matcher(r.problem().question());
            assertTrue(m.find());
            gs.add(
                new Generation(
                    "<code>\nx = "
                        + m.group(1)
                        + (right ? " + " : " * ")
                        + m.group(2)
                        + "\nprint(x)\n<end_of_code>",
                    io.rstar4j.core.StopReason.STOP_STRING,
                    10,
                    7));
          } else {
            Step.Code c = (Step.Code) r.partial().last().orElseThrow();
            String printed = c.outcome().orElseThrow().text().strip();
            gs.add(
                new Generation(
                    "<answer>\\boxed{" + printed + "}<end_of_answer>",
                    io.rstar4j.core.StopReason.STOP_STRING,
                    10,
                    3));
          }
        }
        out.add(gs);
      }
      return out;
    }
  }

  static final Verifier CALCULATOR =
      program -> {
        Matcher m = CODE.matcher(program);
        assertTrue(m.find(), program);
        long a = Long.parseLong(m.group(1));
        long b = Long.parseLong(m.group(3));
        return new ExecutionOutcome.Output(
            (m.group(2).equals("+") ? a + b : a * b) + "\n", Duration.ZERO);
      };

  static final RewardModel PERFECT =
      batch -> {
        double[] s = new double[batch.size()];
        for (int i = 0; i < s.length; i++) {
          RewardRequest r = batch.get(i);
          s[i] = r.partial().solutionText().contains(" * ") ? -0.9 : 0.9;
        }
        return s;
      };

  static List<Problem> problems() {
    List<Problem> ps = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ps.add(Problem.of("easy" + i, "What is " + (i + 3) + " + 5?", String.valueOf(i + 8)));
      ps.add(Problem.of("hard" + i, "What is " + (i + 3) + " + 7?", String.valueOf(i + 10)));
    }
    return ps;
  }

  static Evaluator evaluator(Policy p, int batch) {
    return Evaluator.builder(p, CALCULATOR)
        .rewardModel(PERFECT)
        .batchProblems(batch)
        .config(SearchConfig.testTime().toBuilder().candidates(2).build())
        .build();
  }

  @Test
  void majorityFollowsTheFrequentAnswerAndThePpmFindsTheRareRightOne() {
    // easy: right, wrong, right -> majority right; hard: wrong, wrong, right -> majority wrong
    Evaluation maj =
        evaluator(new Arithmetic(false), 8)
            .evaluate(
                problems(),
                new EvalMethod.BestOfN(3, EvalMethod.Vote.MAJORITY, EvalMethod.Aggregation.LAST),
                null);
    assertEquals(8, maj.graded());
    assertEquals(4, maj.correct());
    for (Evaluation.Outcome o : maj.outcomes()) {
      assertEquals(o.id().startsWith("easy"), o.correct().orElseThrow(), o.id());
    }
    for (EvalMethod.Aggregation agg : EvalMethod.Aggregation.values()) {
      for (EvalMethod.Vote v : List.of(EvalMethod.Vote.PPM_BEST, EvalMethod.Vote.PPM_WEIGHTED)) {
        Evaluation e =
            evaluator(new Arithmetic(false), 8)
                .evaluate(problems(), new EvalMethod.BestOfN(3, v, agg), null);
        assertEquals(8, e.correct(), v + " " + agg);
      }
    }
  }

  @Test
  void aGroupAdvancesInLockStepAndTokensAreCounted() {
    Arithmetic p = new Arithmetic(false);
    Evaluation e =
        evaluator(p, 4)
            .evaluate(
                problems(),
                new EvalMethod.BestOfN(3, EvalMethod.Vote.MAJORITY, EvalMethod.Aggregation.LAST),
                null);
    // two groups of 4 problems x 3 samples, two steps each
    assertEquals(List.of(12, 12, 12, 12), p.batches);
    assertEquals(8 * 3 * 2, e.generations());
    assertEquals(8 * 3 * (7 + 3), e.generatedTokens());
    assertEquals(30.0, e.tokensPerProblem(), 1e-9);
  }

  @Test
  void beamSearchAndDvtsFollowThePpm() {
    for (EvalMethod m :
        List.of(
            new EvalMethod.Beam(8, 4, EvalMethod.Aggregation.MIN),
            new EvalMethod.Dvts(8, 2, EvalMethod.Aggregation.LAST))) {
      Evaluation e = evaluator(new Arithmetic(false), 8).evaluate(problems(), m, null);
      assertEquals(8, e.correct(), m.label());
    }
  }

  @Test
  void greedyUsesTheGreedyPolicyAndMctsAndSearchesAnswer() {
    Evaluator ev =
        Evaluator.builder(new Arithmetic(false), CALCULATOR)
            .greedyPolicy(new Arithmetic(true))
            .rewardModel(PERFECT)
            .keepTrees(true)
            .config(SearchConfig.testTime().toBuilder().rollouts(4).candidates(3).build())
            .build();
    assertEquals(8, ev.evaluate(problems(), new EvalMethod.Greedy(), null).correct());
    Evaluation mcts = ev.evaluate(problems(), new EvalMethod.Mcts(4), null);
    assertEquals(8, mcts.correct());
    assertTrue(mcts.outcomes().get(0).tree().orElseThrow().size() > 2);
    Evaluation k =
        ev.evaluate(problems(), new EvalMethod.Searches(3, EvalMethod.Vote.MAJORITY), null);
    assertEquals(8, k.correct());
  }

  @Test
  void theTimingSplitsWallTimeAmongTheModels() {
    Policy slow =
        new Policy() {
          final Arithmetic a = new Arithmetic(true);

          @Override
          public List<List<Generation>> propose(List<PolicyRequest> batch) {
            try {
              Thread.sleep(20);
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
            return a.propose(batch);
          }
        };
    evaluator(slow, 8).evaluate(problems(), new EvalMethod.Mcts(2), null); // class loading, JIT
    List<Integer> seen = new ArrayList<>();
    Evaluation e = evaluator(slow, 8).evaluate(problems(), new EvalMethod.Mcts(2), seen::add);
    assertEquals(List.of(8), seen);
    Evaluation.Timing t = e.timing();
    assertTrue(t.policyNanos() >= 2 * 20_000_000L, "at least two policy rounds");
    assertTrue(t.policyNanos() <= t.wallNanos());
    assertEquals(
        t.wallNanos(),
        t.policyNanos() + t.verifierNanos() + t.rewardModelNanos() + t.engineNanos());
    assertTrue(t.share(t.policyNanos()) > 0.5, "the sleeping policy dominates: " + t);
  }

  @Test
  void wilsonIntervalsMatchPublishedValues() {
    // statsmodels proportion_confint(8, 10, method="wilson") = (0.490162, 0.943318)
    double[] w = Evaluation.wilson(8, 10, Evaluation.Z95);
    assertEquals(0.490162, w[0], 1e-6);
    assertEquals(0.943318, w[1], 1e-6);
    // 0 of n: the upper bound is z^2 / (n + z^2)
    double z2 = Evaluation.Z95 * Evaluation.Z95;
    assertEquals(z2 / (10 + z2), Evaluation.wilson(0, 10, Evaluation.Z95)[1], 1e-12);
    assertEquals(0.0, Evaluation.wilson(0, 10, Evaluation.Z95)[0], 1e-12);
    assertTrue(Double.isNaN(Evaluation.wilson(0, 0, Evaluation.Z95)[0]));
    assertThrows(IllegalArgumentException.class, () -> Evaluation.wilson(3, 2, 1.96));
  }

  @Test
  void aggregationsCombineMappedStepScores() {
    double[] s = {0.0, 1.0, -0.5};
    assertEquals(0.25, EvalMethod.Aggregation.LAST.combine(s), 1e-12);
    assertEquals(0.25, EvalMethod.Aggregation.MIN.combine(s), 1e-12);
    assertEquals(0.5 * 1.0 * 0.25, EvalMethod.Aggregation.PROD.combine(s), 1e-12);
    assertThrows(
        IllegalArgumentException.class, () -> EvalMethod.Aggregation.MIN.combine(new double[0]));
  }

  @Test
  void methodsParseWithBudgetsAndRefuseBadNames() {
    assertEquals(
        new EvalMethod.BestOfN(8, EvalMethod.Vote.PPM_WEIGHTED, EvalMethod.Aggregation.PROD),
        EvalMethod.parse("best-of-n:ppm-weighted:prod", 8));
    assertEquals("best-of-n:majority@4", EvalMethod.parse("best-of-n", 4).label());
    assertEquals(
        new EvalMethod.Dvts(16, 4, EvalMethod.Aggregation.LAST), EvalMethod.parse("dvts", 16));
    assertEquals(4, new EvalMethod.Dvts(16, 4, EvalMethod.Aggregation.LAST).subtrees());
    assertEquals(new EvalMethod.Mcts(32), EvalMethod.parse("MCTS", 32));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EvalMethod.parse("beam:avg", 4));
    assertTrue(e.getMessage().contains("unknown aggregation 'avg'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> EvalMethod.parse("sampling", 4));
    assertThrows(IllegalArgumentException.class, () -> EvalMethod.parse("mcts", 0));
  }

  @Test
  void ppmMethodsNeedARewardModel() {
    Evaluator ev = Evaluator.builder(new Arithmetic(false), CALCULATOR).build();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> ev.evaluate(problems(), EvalMethod.parse("beam", 4), null));
    assertTrue(e.getMessage().contains("beam needs a reward model"));
    assertThrows(
        IllegalStateException.class,
        () ->
            Evaluator.builder(new Arithmetic(false), CALCULATOR).batchProblems(2).batchProblems(3));
  }
}
