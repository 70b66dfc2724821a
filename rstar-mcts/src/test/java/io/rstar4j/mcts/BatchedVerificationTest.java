package io.rstar4j.mcts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Generation;
import io.rstar4j.core.Policy;
import io.rstar4j.core.Problem;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.tree.ReasoningTree;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pooled verifier (one that batches executeSteps) gets each round's programs in one call. */
class BatchedVerificationTest {

  @Test
  void eachRoundsCodeStepsRunInOneExecuteAllCall() {
    // depth 1: two code steps; depth 2: an answer
    Policy policy =
        batch -> {
          List<List<Generation>> out = new ArrayList<>();
          for (var r : batch) {
            int d = r.partial().size();
            out.add(
                d == 0
                    ? List.of(
                        Generation.of("<code>\na = 1\n<end_of_step>"),
                        Generation.of("b = 2\nprint(b)\n<end_of_code>"))
                    : d == 1
                        ? List.of(Generation.of("c = a + 1\nprint(c)\n<end_of_code>"))
                        : List.of(Generation.of("<answer>\\boxed{2}<end_of_answer>")));
          }
          return out;
        };
    List<List<String>> calls = new ArrayList<>();
    Verifier verifier =
        new Verifier() {
          @Override
          public ExecutionOutcome execute(String program) {
            throw new AssertionError("the search should batch programs");
          }

          @Override
          public List<ExecutionOutcome> executeSteps(List<StepInContext> steps) {
            return executeAll(Verifier.programsOf(steps));
          }

          @Override
          public List<ExecutionOutcome> executeAll(List<String> programs) {
            calls.add(List.copyOf(programs));
            List<ExecutionOutcome> out = new ArrayList<>();
            for (String p : programs) {
              out.add(
                  new ExecutionOutcome.Output(p.contains("print(c)") ? "2" : "1", Duration.ZERO));
            }
            return out;
          }
        };
    SearchConfig cfg = SearchConfig.bootstrapRound().toBuilder().rollouts(1).build();
    ReasoningSearch s = ReasoningSearch.builder(policy, verifier).config(cfg).build();
    LockStepResult r = s.searchAll(List.of(Problem.of("a", "q?", "2"), Problem.of("b", "q?", "2")));
    assertEquals(List.of(2, 2, 2), r.stats().policyBatches());
    assertEquals(2, calls.size(), "one call per round with code steps");
    assertEquals(4, calls.get(0).size(), "two trees x two candidates");
    assertEquals("\na = 1\n", calls.get(0).get(0));
    assertEquals(
        List.of("\na = 1\nc = a + 1\nprint(c)\n", "\na = 1\nc = a + 1\nprint(c)\n"),
        calls.get(1),
        "the program includes the block's earlier steps");
    for (SearchResult one : r.results()) {
      assertEquals(1.0, one.bestAnswer().orElseThrow().score());
      ReasoningTree t = one.tree();
      assertTrue(
          t.node(t.child(t.child(0, 0), 0))
              .text()
              .endsWith("<end_of_code>\n<output>2<end_of_output>"));
    }
  }
}
