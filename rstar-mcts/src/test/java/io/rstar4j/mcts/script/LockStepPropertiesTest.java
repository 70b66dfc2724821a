package io.rstar4j.mcts.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Generation;
import io.rstar4j.core.Policy;
import io.rstar4j.core.PolicyRequest;
import io.rstar4j.core.Problem;
import io.rstar4j.core.RewardModel;
import io.rstar4j.core.RewardRequest;
import io.rstar4j.core.Step;
import io.rstar4j.core.Trajectory;
import io.rstar4j.core.Verifier;
import io.rstar4j.mcts.LockStepResult;
import io.rstar4j.mcts.ReasoningSearch;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.mcts.SearchMode;
import io.rstar4j.mcts.SearchResult;
import io.rstar4j.mcts.engine.EngineOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Lock-step batching over random scripts: it never changes a deterministic search's result. */
class LockStepPropertiesTest {

  /** A random script tree: steps, code ends, errors, answers, childless steps, duplicates. */
  static JsonObject randomNode(SplittableRandom r, String prefix, int depth, int index) {
    int kind = depth >= 5 ? 4 : r.nextInt(10);
    double score = Math.round((r.nextDouble() * 2 - 1) * 100) / 100.0;
    if (kind >= 8 || depth >= 5) {
      String v = r.nextBoolean() ? "42" : String.valueOf(r.nextInt(100));
      JsonObject a = new JsonObject();
      a.addProperty("text", "<answer>So \\boxed{" + v + "}<end_of_answer>");
      a.addProperty("score", score);
      return a;
    }
    String tag = kind < 4 ? "<end_of_step>" : "<end_of_code>";
    String text = prefix + "x" + depth + "_" + index + "_" + r.nextInt(3) + " = 1\n" + tag;
    JsonObject o = Scripts.node(text, String.valueOf(r.nextInt(50)), kind == 7, score);
    if (r.nextInt(8) == 0) {
      o.remove("children");
      return o;
    }
    JsonArray kids = o.getAsJsonArray("children");
    int k = r.nextInt(4);
    for (int i = 0; i < k; i++) {
      kids.add(randomNode(r, prefix, depth + 1, i));
    }
    return o;
  }

  static ScriptedProblem randomScript(long seed, int i, SearchConfig cfg) {
    SplittableRandom r = new SplittableRandom(seed + 1000L * i);
    JsonObject[] kids = new JsonObject[1 + r.nextInt(4)];
    for (int k = 0; k < kids.length; k++) {
      kids[k] = randomNode(r, "p" + i + "_", 1, k);
    }
    String mode = cfg.mode().name().toLowerCase().replace('_', '-');
    return ScriptedProblem.parse(
        Scripts.script(mode, cfg.rollouts(), cfg.engine().maxDepth(), cfg.errorsThreshold(), kids),
        "p" + i);
  }

  /** Routes each request to the script of its problem. */
  static final class Multi {
    final Map<String, ScriptedProblem> byId = new HashMap<>();

    Policy policy() {
      return batch -> {
        List<List<Generation>> out = new ArrayList<>();
        for (PolicyRequest q : batch) {
          out.add(byId.get(q.problem().id()).policy().propose(List.of(q)).get(0));
        }
        return out;
      };
    }

    Verifier verifier() {
      return new Verifier() {
        @Override
        public ExecutionOutcome execute(String program) {
          throw new UnsupportedOperationException();
        }

        @Override
        public ExecutionOutcome executeStep(Trajectory before, Step step) {
          throw new UnsupportedOperationException("set per problem");
        }
      };
    }

    RewardModel rewardModel() {
      return batch -> {
        double[] out = new double[batch.size()];
        for (int i = 0; i < out.length; i++) {
          RewardRequest q = batch.get(i);
          out[i] = byId.get(q.problem().id()).rewardModel().score(List.of(q))[0];
        }
        return out;
      };
    }
  }

  @Test
  void batchingNeverChangesTheResult() {
    qt().withExamples(60)
        .forAll(
            longs().all(),
            integers().between(0, 2),
            integers().between(1, 12),
            integers().between(1, 6))
        .checkAssert(
            (seed, mode, rollouts, count) -> {
              SearchConfig cfg =
                  SearchConfig.bootstrapRound().toBuilder()
                      .mode(SearchMode.values()[mode])
                      .rollouts(rollouts)
                      .errorsThreshold(1 + (rollouts & 1))
                      .rolloutsInFlight(1 + (int) Math.floorMod(seed >> 3, 3))
                      .engine(
                          EngineOptions.builder()
                              .maxDepth(2 + (int) Math.floorMod(seed, 4))
                              .virtualLoss(Math.floorMod(seed >> 5, 2) * 2.0)
                              .build())
                      .build();
              Multi multi = new Multi();
              List<Problem> problems = new ArrayList<>();
              for (int i = 0; i < count; i++) {
                ScriptedProblem sp = randomScript(seed, i, cfg);
                multi.byId.put(sp.problem().id(), sp);
                problems.add(sp.problem());
              }
              // one verifier answering for every problem, by the problem of the step's position
              Verifier routed =
                  new Verifier() {
                    @Override
                    public ExecutionOutcome execute(String program) {
                      throw new UnsupportedOperationException();
                    }

                    @Override
                    public ExecutionOutcome executeStep(Trajectory before, Step step) {
                      for (ScriptedProblem sp : multi.byId.values()) {
                        try {
                          return sp.verifier().executeStep(before, step);
                        } catch (IllegalStateException notThisOne) {
                          // code step texts start with the problem id; try the next script
                        }
                      }
                      throw new IllegalStateException("no script has this step");
                    }
                  };
              ReasoningSearch together =
                  ReasoningSearch.builder(multi.policy(), routed)
                      .rewardModel(multi.rewardModel())
                      .config(cfg)
                      .build();
              LockStepResult all = together.searchAll(problems);
              assertEquals(
                  count, all.stats().policyBatches().get(0), "the first round expands every root");
              for (int b : all.stats().policyBatches()) {
                assertTrue(b >= 1 && b <= count * cfg.rolloutsInFlight(), "batch size " + b);
              }
              for (int i = 0; i < count; i++) {
                ScriptedProblem sp = multi.byId.get("p" + i);
                ReasoningSearch.Builder alone =
                    ReasoningSearch.builder(sp.policy(), sp.verifier())
                        .config(cfg)
                        .rewardModel(sp.rewardModel());
                SearchResult single = alone.build().search(sp.problem());
                assertEquals(single.tree().nodes(), all.results().get(i).tree().nodes());
                for (GoldenTrees.Entry e : GoldenTrees.entries(single.tree())) {
                  double q = e.visits() == 0 ? 0 : e.valueSum() / e.visits();
                  assertTrue(q >= -1 - 1e-12 && q <= 1 + 1e-12, "Q within [-1, 1]");
                }
              }
            });
  }
}
