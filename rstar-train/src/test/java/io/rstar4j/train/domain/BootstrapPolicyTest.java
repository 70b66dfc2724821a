package io.rstar4j.train.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Generation;
import io.rstar4j.core.PolicyRequest;
import io.rstar4j.core.Problem;
import io.rstar4j.core.Step;
import io.rstar4j.core.StepFormat;
import io.rstar4j.core.StopReason;
import io.rstar4j.core.Trajectory;
import io.rstar4j.verify.CPythonVerifier;
import io.rstar4j.verify.grade.MathGrader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BootstrapPolicyTest {
  static CPythonVerifier python;
  static final MathGrader GRADER = MathGrader.standard();

  @BeforeAll
  static void start() throws Exception {
    python = CPythonVerifier.builder().workers(2).timeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  static boolean solves(Trajectory t, Problem p) {
    return t.isComplete() && GRADER.matchesAny(t.answer().orElse(""), p.goldAnswers());
  }

  static List<WordProblem> problems(Split split, int level, int count, long seed) {
    return WordProblemGenerator.builder()
        .seed(seed)
        .split(split)
        .difficulty(level)
        .count(count)
        .build()
        .generate();
  }

  @Test
  void withoutMistakesItSolvesEveryProblemAtEveryLevelInTheReferenceFormat() {
    BootstrapPolicy policy = BootstrapPolicy.builder().noMistakes().build();
    for (Split split : Split.values()) {
      for (int level = 1; level <= 8; level++) {
        for (WordProblem p : problems(split, level, split == Split.TRAIN ? 25 : 8, level)) {
          Trajectory t = policy.rollout(p.problem(), python, 0);
          assertTrue(
              solves(t, p.problem()), p.id() + "\n" + p.question() + "\n" + t.solutionText());
          List<Step> steps = t.steps();
          int ops = p.plan().steps().size();
          assertEquals(ops + 2, steps.size(), "one step per operation, the print and the answer");
          assertTrue(steps.get(0).text().startsWith("<code>\n# "));
          for (int i = 0; i < ops; i++) {
            Step s = steps.get(i);
            assertTrue(s instanceof Step.Code c && !c.endsBlock(), s.text());
            assertTrue(s.text().endsWith("\n<end_of_step>"));
            assertTrue(i == 0 || s.text().startsWith("\n\n# "), s.text());
            assertTrue(((Step.Code) s).code().contains(p.plan().steps().get(i).variable() + " = "));
          }
          Step print = steps.get(ops);
          assertTrue(print instanceof Step.Code c && c.endsBlock(), print.text());
          assertTrue(print.text().contains("# Now print the final answer\nprint("));
          Step answer = steps.get(ops + 1);
          assertTrue(
              answer.text().startsWith("\n<answer>") && answer.text().endsWith("<end_of_answer>"));
          assertFalse(t.solutionText().toLowerCase(Locale.ROOT).contains("error"));
        }
      }
    }
  }

  @Test
  void atDefaultRatesTheSolveRateFallsWithDifficulty() {
    BootstrapPolicy policy = BootstrapPolicy.builder().seed(11).build();
    Map<Integer, Double> rate = new TreeMap<>();
    StringBuilder table = new StringBuilder("level  solved (pass@1, 40 problems x 2 samples)\n");
    for (int level = 1; level <= 8; level++) {
      int ok = 0;
      int n = 0;
      for (WordProblem p : problems(Split.TRAIN, level, 40, 100 + level)) {
        for (int sample = 0; sample < 2; sample++) {
          ok += solves(policy.rollout(p.problem(), python, sample), p.problem()) ? 1 : 0;
          n++;
        }
      }
      rate.put(level, ok / (double) n);
      table.append(String.format(Locale.ROOT, "%5d  %.3f%n", level, ok / (double) n));
    }
    System.out.println(table);
    assertTrue(rate.get(1) > 0.6, table.toString());
    assertTrue(rate.get(8) < 0.45, table.toString());
    double easy = (rate.get(1) + rate.get(2)) / 2;
    double middle = (rate.get(4) + rate.get(5)) / 2;
    double hard = (rate.get(7) + rate.get(8)) / 2;
    assertTrue(easy > middle && middle > hard, table.toString());
  }

  @Test
  void proposesExactlyNSingleStepsEndingAtTheirStopStrings() {
    BootstrapPolicy policy = BootstrapPolicy.builder().build();
    WordProblem p = problems(Split.TRAIN, 5, 1, 3).get(0);
    Trajectory t = Trajectory.empty();
    for (int depth = 0; depth < 12 && !t.isComplete(); depth++) {
      List<Generation> gens = policy.propose(new PolicyRequest(p.problem(), t, 7));
      assertEquals(7, gens.size());
      for (Generation g : gens) {
        assertEquals(StopReason.STOP_STRING, g.stopReason());
        assertTrue(StepFormat.stopStringOf(g.text()).isPresent(), g.text());
        assertEquals(g.text(), StepFormat.cutAtStop(g.text()), "one step: cut at its first stop");
        assertFalse(g.toStep() instanceof Step.Unparsable, g.text());
        assertTrue(g.promptTokens() > 0 && g.completionTokens() > 0);
        assertEquals(gens.get(0).promptTokens(), g.promptTokens());
      }
      Step s = gens.get(0).toStep();
      if (s instanceof Step.Code c) {
        s = c.withOutcome(python.executeStep(t, c));
      }
      t = t.append(s);
    }
  }

  @Test
  void drawsDependOnSeedProblemPartialAndSampleOnlyNotOnTheBatch() {
    BootstrapPolicy a = BootstrapPolicy.builder().seed(3).build();
    BootstrapPolicy b = BootstrapPolicy.builder().seed(3).build();
    BootstrapPolicy other = BootstrapPolicy.builder().seed(4).build();
    List<PolicyRequest> batch = new ArrayList<>();
    for (WordProblem p : problems(Split.TRAIN, 6, 12, 8)) {
      Trajectory t = a.rollout(p.problem(), python, 1);
      for (int k = 0; k < t.size(); k += 2) {
        batch.add(new PolicyRequest(p.problem(), new Trajectory(t.steps().subList(0, k)), 6));
      }
    }
    List<List<Generation>> whole = a.propose(batch);
    assertEquals(whole, b.propose(batch));
    List<PolicyRequest> shuffled = new ArrayList<>(batch);
    Collections.shuffle(shuffled, new java.util.Random(1));
    List<List<Generation>> mixed = b.propose(shuffled);
    for (int i = 0; i < shuffled.size(); i++) {
      assertEquals(whole.get(batch.indexOf(shuffled.get(i))), mixed.get(i));
      assertEquals(a.propose(List.of(shuffled.get(i))).get(0), mixed.get(i));
    }
    // a larger n keeps the first candidates: sample i's draw is its own
    PolicyRequest r = batch.get(3);
    List<Generation> three = a.propose(new PolicyRequest(r.problem(), r.partial(), 3));
    assertEquals(whole.get(3).subList(0, 3), three);
    assertNotEquals(whole, other.propose(batch));
  }

  @Test
  void continuesFromThePartialSolutionIncludingWrongVariables() {
    BootstrapPolicy policy = BootstrapPolicy.builder().noMistakes().build();
    WordProblem p = null;
    for (WordProblem x : problems(Split.TRAIN, 3, 40, 21)) {
      if (x.plan().steps().get(1).operands().get(0) instanceof Operand.Ref) {
        p = x;
        break;
      }
    }
    PlanStep first = p.plan().steps().get(0);
    PlanStep second = p.plan().steps().get(1);
    Step.Code wrong =
        Step.Code.of("<code>\n# my own reasoning\n" + first.variable() + " = 999\n<end_of_step>");
    wrong = wrong.withOutcome(python.executeStep(Trajectory.empty(), wrong));
    Trajectory partial = Trajectory.of(wrong);
    String next = policy.propose(new PolicyRequest(p.problem(), partial, 1)).get(0).text();
    assertTrue(next.startsWith("\n\n# "), next);
    assertTrue(next.contains(second.variable() + " = "), next);
    assertTrue(next.contains(first.variable()), "refers to the variable defined before: " + next);
    // an unknown writer's variables: the policy starts its own plan
    Trajectory foreign = Trajectory.of(Step.parse("<code>\n# setup\nfoo = 1\n<end_of_step>"));
    String own = policy.propose(new PolicyRequest(p.problem(), foreign, 1)).get(0).text();
    assertTrue(own.contains(first.variable() + " = "), own);
    // after the output, the answer copies the printed value
    Trajectory done = policy.rollout(p.problem(), python, 0);
    Trajectory beforeAnswer = new Trajectory(done.steps().subList(0, done.size() - 1));
    Step.Code printed = (Step.Code) beforeAnswer.last().orElseThrow();
    Step fake = printed.withOutcome(new ExecutionOutcome.Output("123.0", Duration.ZERO));
    List<Step> steps = new ArrayList<>(beforeAnswer.steps());
    steps.set(steps.size() - 1, fake);
    String answer =
        policy.propose(new PolicyRequest(p.problem(), new Trajectory(steps), 1)).get(0).text();
    assertEquals("123", StepFormat.extractBoxed(answer).orElseThrow());
  }

  @Test
  void guessesOnQuestionsItCannotRead() {
    BootstrapPolicy policy = BootstrapPolicy.builder().build();
    for (String q : ReaderTest.GSM8K) {
      assertFalse(policy.canRead(q));
      Problem p = Problem.of("gsm", q, "1");
      Trajectory t = policy.rollout(p, python, 0);
      assertTrue(t.isComplete(), t.solutionText());
      assertTrue(t.steps().get(0).text().startsWith("<code>\n# "));
    }
    WordProblem wp = problems(Split.TEST, 4, 1, 2).get(0);
    assertTrue(policy.canRead(wp.question()));
  }

  @Test
  void countsTokensByTheRuleOrByAGivenTokenizer() {
    BootstrapPolicy rule = BootstrapPolicy.builder().build();
    assertEquals(1, rule.count("<end_of_step>"));
    assertEquals(5, rule.count("x = 12"));
    assertEquals(3, rule.count("<|user|>:\nHi"));
    var tok = io.rstar4j.train.tokenizer.BpeTrainerTest.small().tokenizer();
    BootstrapPolicy counted = BootstrapPolicy.builder().tokenizer(tok).build();
    WordProblem p = problems(Split.TRAIN, 2, 1, 1).get(0);
    PolicyRequest r = new PolicyRequest(p.problem(), Trajectory.empty(), 2);
    for (Generation g : counted.propose(r)) {
      assertEquals(tok.encode(g.text()).length, g.completionTokens());
      assertEquals(tok.encode(r.prompt()).length, g.promptTokens());
    }
  }

  @Test
  void ratesGrowWithTheOperationsReadAndAreCapped() {
    BootstrapPolicy p =
        BootstrapPolicy.builder()
            .rate(Mistake.WRONG_OPERATOR, 0.1)
            .growth(0.5)
            .maxRate(0.3)
            .build();
    assertEquals(0.1, p.rate(Mistake.WRONG_OPERATOR, 1), 1e-12);
    assertEquals(0.2, p.rate(Mistake.WRONG_OPERATOR, 3), 1e-12);
    assertEquals(0.3, p.rate(Mistake.WRONG_OPERATOR, 9), 1e-12);
    BootstrapPolicy d = BootstrapPolicy.builder().build();
    for (Mistake m : Mistake.values()) {
      assertTrue(d.rate(m, 8) > d.rate(m, 1), m.toString());
      assertEquals(BootstrapPolicy.DEFAULT_RATES.get(m), d.rate(m, 1), 1e-12);
    }
  }

  @Test
  void builderValidates() {
    assertThrows(
        IllegalArgumentException.class,
        () -> BootstrapPolicy.builder().rate(Mistake.PYTHON_ERROR, 1.5));
    assertThrows(IllegalArgumentException.class, () -> BootstrapPolicy.builder().growth(-1));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            BootstrapPolicy.builder()
                .rate(Mistake.PYTHON_ERROR, 0.6)
                .rate(Mistake.WRONG_OPERAND, 0.6)
                .build());
    assertEquals(
        "rate of PYTHON_ERROR was already set",
        assertThrows(
                IllegalStateException.class,
                () ->
                    BootstrapPolicy.builder()
                        .rate(Mistake.PYTHON_ERROR, 0.1)
                        .rate(Mistake.PYTHON_ERROR, 0.2))
            .getMessage());
    assertThrows(
        IllegalStateException.class,
        () -> BootstrapPolicy.builder().rate(Mistake.PYTHON_ERROR, 0.1).noMistakes());
    assertThrows(
        IllegalStateException.class,
        () -> BootstrapPolicy.builder().noMistakes().rate(Mistake.PYTHON_ERROR, 0.1));
    assertThrows(
        IllegalArgumentException.class,
        () -> BootstrapPolicy.builder().build().rate(Mistake.PYTHON_ERROR, 0));
  }
}
