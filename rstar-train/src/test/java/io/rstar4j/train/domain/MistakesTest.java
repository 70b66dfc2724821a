package io.rstar4j.train.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.PolicyRequest;
import io.rstar4j.core.Step;
import io.rstar4j.core.Trajectory;
import io.rstar4j.verify.CPythonVerifier;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each mistake kind occurs when its rate is 1 and has the effect its documentation claims. */
class MistakesTest {
  static CPythonVerifier python;
  static List<WordProblem> problems;

  @BeforeAll
  static void start() throws Exception {
    python = CPythonVerifier.builder().workers(2).timeout(Duration.ofSeconds(10)).build();
    problems = new ArrayList<>();
    for (WordProblem p :
        WordProblemGenerator.builder().seed(77).difficulty(3, 6).count(40).build().generate()) {
      problems.add(p);
    }
  }

  @AfterAll
  static void stop() {
    python.close();
  }

  static BootstrapPolicy only(Mistake m) {
    BootstrapPolicy.Builder b = BootstrapPolicy.builder().seed(5).growth(0).maxRate(1);
    for (Mistake k : Mistake.values()) {
      b.rate(k, k == m ? 1.0 : 0.0);
    }
    return b.build();
  }

  /** The correct solution's trajectory up to (not including) step {@code k}. */
  static Trajectory correctPrefix(WordProblem p, int k) {
    Trajectory t = BootstrapPolicy.builder().noMistakes().build().rollout(p.problem(), python, 0);
    return new Trajectory(t.steps().subList(0, k));
  }

  static double wrongShare(BootstrapPolicy policy) {
    int wrong = 0;
    for (WordProblem p : problems) {
      wrong +=
          BootstrapPolicyTest.solves(policy.rollout(p.problem(), python, 0), p.problem()) ? 0 : 1;
    }
    return wrong / (double) problems.size();
  }

  static Teacher.Candidate candidate(
      BootstrapPolicy policy, WordProblem p, Trajectory partial, int sample) {
    return policy.candidates(new PolicyRequest(p.problem(), partial, sample + 1)).get(sample);
  }

  @Test
  void wrongOperatorChangesTheOperationAndTheAnswer() {
    BootstrapPolicy policy = only(Mistake.WRONG_OPERATOR);
    for (WordProblem p : problems) {
      Teacher.Candidate c = candidate(policy, p, Trajectory.empty(), 0);
      assertEquals(Mistake.WRONG_OPERATOR, c.mistake());
      String right =
          correctPrefix(p, 1).last().map(MistakesTest::code).orElseThrow().strip().split("\n")[1];
      String wrong = code(Step.parse(c.text())).strip().split("\n")[1];
      assertTrue(!right.equals(wrong), right);
      assertEquals(right.split(" = ")[0], wrong.split(" = ")[0], "same variable, other operation");
    }
    assertTrue(wrongShare(policy) >= 0.9);
  }

  @Test
  void wrongOperandUsesAnotherVariableOrNumber() {
    BootstrapPolicy policy = only(Mistake.WRONG_OPERAND);
    int seen = 0;
    for (WordProblem p : problems) {
      Trajectory prefix = correctPrefix(p, 2);
      Teacher.Candidate c = candidate(policy, p, prefix, 0);
      if (c.mistake() == Mistake.WRONG_OPERAND) {
        seen++;
        String right =
            correctPrefix(p, 3).last().map(MistakesTest::code).orElseThrow().strip().split("\n")[1];
        String wrong = code(Step.parse(c.text())).strip().split("\n")[1];
        assertTrue(!wrong.equals(right), wrong);
      }
    }
    assertTrue(seen >= 30, "wrong operands in " + seen + " of 40");
    assertTrue(wrongShare(policy) >= 0.8);
  }

  @Test
  void droppedStepSkipsAnOperation() {
    BootstrapPolicy policy = only(Mistake.DROPPED_STEP);
    for (WordProblem p : problems) {
      Trajectory t = policy.rollout(p.problem(), python, 0);
      Set<String> assigned = assigned(t);
      int missing = 0;
      for (PlanStep s : p.plan().steps()) {
        missing += assigned.contains(s.variable()) ? 0 : 1;
      }
      assertTrue(missing > 0, t.solutionText());
      assertTrue(t.isComplete(), "a dropped step still leads to an answer: " + t.solutionText());
      assertTrue(!t.solutionText().contains("Error"), t.solutionText());
    }
    assertTrue(wrongShare(policy) >= 0.8);
  }

  @Test
  void repeatedStepAppliesTheOperationTwice() {
    BootstrapPolicy policy = only(Mistake.REPEATED_STEP);
    int changed = 0;
    for (WordProblem p : problems) {
      Trajectory prefix = correctPrefix(p, 2);
      Teacher.Candidate c = candidate(policy, p, prefix, 0);
      assertEquals(Mistake.REPEATED_STEP, c.mistake());
      String previous =
          prefix
              .last()
              .map(MistakesTest::code)
              .orElseThrow()
              .strip()
              .split("\n")[1]
              .split(" = ")[0];
      String line = code(Step.parse(c.text())).strip().split("\n")[1];
      assertTrue(line.startsWith(previous + " = " + previous + " "), line);
      Step.Code s = Step.Code.of(c.text());
      s = s.withOutcome(python.executeStep(prefix, s));
      Trajectory t = prefix.append(s);
      Step print = Step.parse("\n\nprint(" + previous + ")\n<end_of_code>");
      ExecutionOutcome twice = python.executeStep(t, print);
      BigDecimal once = p.plan().steps().get(1).value();
      changed += new BigDecimal(twice.text()).compareTo(once) != 0 ? 1 : 0;
    }
    assertTrue(changed >= 36, "the repeat changed the value in " + changed + " of 40");
    assertTrue(wrongShare(policy) >= 0.8);
  }

  @Test
  void pythonErrorsAreNameSyntaxAndZeroDivisionErrors() {
    BootstrapPolicy policy = only(Mistake.PYTHON_ERROR);
    Map<String, Integer> kinds = new HashMap<>();
    for (WordProblem p : problems) {
      for (int sample = 0; sample < 3; sample++) {
        for (int k : new int[] {0, 1}) {
          Trajectory prefix = correctPrefix(p, k);
          Teacher.Candidate c = candidate(policy, p, prefix, sample);
          assertEquals(Mistake.PYTHON_ERROR, c.mistake());
          Step s = Step.parse(c.text());
          ExecutionOutcome out = python.executeStep(prefix, s);
          assertTrue(out instanceof ExecutionOutcome.Error, c.text() + " -> " + out);
          String type = out.text().substring(0, out.text().indexOf(':'));
          kinds.merge(type, 1, Integer::sum);
        }
      }
    }
    assertEquals(
        Set.of("NameError", "SyntaxError", "ZeroDivisionError"), kinds.keySet(), kinds.toString());
    assertTrue(wrongShare(policy) >= 0.95);
  }

  @Test
  void prematureAnswerPrintsAnIntermediateResult() {
    BootstrapPolicy policy = only(Mistake.PREMATURE_ANSWER);
    for (WordProblem p : problems) {
      Teacher.Candidate root = candidate(policy, p, Trajectory.empty(), 0);
      assertEquals(null, root.mistake(), "never at the first step: " + root.text());
      assertTrue(Step.parse(root.text()) instanceof Step.Code rc && !rc.endsBlock(), root.text());
      Trajectory prefix = correctPrefix(p, 1);
      Teacher.Candidate c = candidate(policy, p, prefix, 0);
      Step s = Step.parse(c.text());
      assertTrue(s instanceof Step.Code sc && sc.endsBlock(), c.text());
      assertTrue(
          c.text()
              .contains(
                  "# Now print the final answer\nprint("
                      + p.plan().steps().get(0).variable()
                      + ")"));
    }
    assertTrue(wrongShare(policy) >= 0.9);
  }

  @Test
  void copiedWrongNumbersAreDistractorNumbersOrDigitSlips() {
    BootstrapPolicy policy = only(Mistake.COPIED_WRONG_NUMBER);
    Pattern number = Pattern.compile("(?<![A-Za-z_0-9.])\\d+(?:\\.\\d+)?");
    int fromDistractors = 0;
    int slips = 0;
    for (WordProblem p : problems) {
      Reader.Reading r = Reader.read(p.question());
      for (int sample = 0; sample < 4; sample++) {
        Teacher.Candidate c = candidate(policy, p, Trajectory.empty(), sample);
        if (c.mistake() != Mistake.COPIED_WRONG_NUMBER) {
          continue;
        }
        String code = code(Step.parse(c.text()));
        String line = code.strip().split("\n")[1];
        Matcher m = number.matcher(line.substring(line.indexOf('=') + 1));
        boolean foreign = false;
        boolean distractor = false;
        while (m.find()) {
          BigDecimal v = new BigDecimal(m.group());
          boolean stated = r.stated().stream().anyMatch(x -> x.compareTo(v) == 0);
          boolean isDistractor = r.distractorNumbers().stream().anyMatch(x -> x.compareTo(v) == 0);
          foreign |= !stated && !isDistractor && !List.of(12, 60, 100, 1000).contains(v.intValue());
          distractor |= isDistractor && !stated;
        }
        fromDistractors += distractor ? 1 : 0;
        slips += foreign ? 1 : 0;
        assertTrue(distractor || foreign || line.matches(".*\\d.*"), line);
      }
    }
    assertTrue(fromDistractors > 5, "distractor numbers copied: " + fromDistractors);
    assertTrue(slips > 20, "digit slips: " + slips);
    assertTrue(wrongShare(policy) >= 0.8);
  }

  @Test
  void slipsChangeTheNumber() {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
    for (String s : List.of("7", "12", "45", "100", "2.5", "1", "11", "-36", "-0.5")) {
      BigDecimal v = new BigDecimal(s);
      for (int i = 0; i < 20; i++) {
        BigDecimal w = Teacher.slip(v, rng);
        assertTrue(w.compareTo(v) != 0 && w.signum() == v.signum(), s + " -> " + w);
      }
    }
  }

  /** The code of a code step, empty for an answer or unparsable step. */
  static String code(Step s) {
    return s instanceof Step.Code c ? c.code() : "";
  }

  static Set<String> assigned(Trajectory t) {
    Set<String> out = new HashSet<>();
    Pattern a = Pattern.compile("(?m)^([A-Za-z_][A-Za-z0-9_]*)\\s*=(?!=)");
    for (Step s : t.steps()) {
      Matcher m = a.matcher(code(s));
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }
}
