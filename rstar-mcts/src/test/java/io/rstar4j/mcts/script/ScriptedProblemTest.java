package io.rstar4j.mcts.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Generation;
import io.rstar4j.core.PolicyRequest;
import io.rstar4j.core.RewardRequest;
import io.rstar4j.core.Step;
import io.rstar4j.core.Trajectory;
import io.rstar4j.mcts.SearchMode;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptedProblemTest {

  @Test
  void replaysTheScriptThroughTheSpi() throws IOException {
    ScriptedProblem sp =
        ScriptedProblem.parse(GoldenReplayTest.resource("example-1-terminal-guided.script.json"));
    assertEquals(SearchMode.TERMINAL_GUIDED, sp.config().mode());
    assertEquals(16, sp.config().rollouts());
    assertEquals(2, sp.config().errorsThreshold());
    assertEquals(List.of("\\frac{7}{11}"), sp.problem().goldAnswers());
    List<Generation> first =
        sp.policy().propose(new PolicyRequest(sp.problem(), Trajectory.empty(), 1));
    assertEquals(3, first.size(), "every scripted child, whatever n");
    assertTrue(first.get(0).text().endsWith("<end_of_code>"));
    Step s0 = first.get(0).toStep();
    ExecutionOutcome o = sp.verifier().executeStep(Trajectory.empty(), s0);
    assertInstanceOf(ExecutionOutcome.Error.class, o);
    assertEquals(ScriptedProblem.ERROR_TEXT, o.text());
    Trajectory t = Trajectory.of(((Step.Code) s0).withOutcome(o));
    Step s00 = sp.policy().propose(new PolicyRequest(sp.problem(), t, 1)).get(0).toStep();
    ExecutionOutcome ok = sp.verifier().executeStep(t, s00);
    assertEquals("24", ok.text());
    assertFalse(ok.isError());
    double[] scores =
        sp.rewardModel()
            .score(
                List.of(
                    new RewardRequest(sp.problem(), t),
                    new RewardRequest(sp.problem(), t.append(s00))));
    assertEquals(0.31, scores[0], 0.0);
    assertEquals(0.87, scores[1], 0.0);
    assertTrue(sp.grader().equivalent("\\frac{7} {11}", "\\frac{7}{11}"));
    assertFalse(sp.grader().equivalent("\\frac{7}{12}", "\\frac{7}{11}"));
    assertThrows(UnsupportedOperationException.class, () -> sp.verifier().execute("print(1)"));
    assertThrows(
        IllegalStateException.class,
        () ->
            sp.verifier()
                .executeStep(
                    Trajectory.empty(), Step.parse("<code>\nnot scripted\n<end_of_step>")));
  }

  @Test
  void defaultsAndBadScripts() {
    ScriptedProblem sp =
        ScriptedProblem.parse(
            "{\"question\": \"q?\", \"gold\": 7, \"root\": "
                + "{\"children\": [{\"text\": \"a = 1\\n<end_of_step>\"}]}}");
    assertEquals(List.of("7"), sp.problem().goldAnswers());
    assertEquals(SearchMode.TERMINAL_GUIDED, sp.config().mode());
    Step a = Step.parse("a = 1\n<end_of_step>");
    assertEquals(
        0.0,
        sp.rewardModel().score(List.of(new RewardRequest(sp.problem(), Trajectory.of(a))))[0],
        0.0);
    assertEquals(
        List.of(),
        sp.policy().propose(new PolicyRequest(sp.problem(), Trajectory.of(a), 4)),
        "no children key: no candidates");
    assertThrows(IllegalArgumentException.class, () -> ScriptedProblem.parse("[1, 2]"));
    assertThrows(IllegalArgumentException.class, () -> ScriptedProblem.parse("{\"question\": 1}"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ScriptedProblem.parse(
                "{\"question\": \"q\", \"config\": {\"mode\": \"greedy\"}, \"root\": {}}"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ScriptedProblem.parse(
                "{\"question\": \"q\", \"config\": {\"rollouts\": 0}, \"root\": {}}"));
  }
}
