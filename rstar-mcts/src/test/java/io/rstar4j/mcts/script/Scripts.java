package io.rstar4j.mcts.script;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.rstar4j.core.Policy;
import io.rstar4j.core.RewardModel;
import io.rstar4j.mcts.ReasoningSearch;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.mcts.SearchResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Small golden-tree scripts written in code, for one rule at a time. */
final class Scripts {
  private Scripts() {}

  static int counter;

  /** A code step ending {@code <end_of_step>} (unique text), with optional children. */
  static JsonObject step(double score, JsonObject... children) {
    return node("<code>\nx" + (++counter) + " = 1\n<end_of_step>", "", false, score, children);
  }

  /** A childless step (no "children" key): its expansion yields nothing. */
  static JsonObject leafStep(double score) {
    JsonObject o = node("<code>\ny" + (++counter) + " = 2\n<end_of_step>", "", false, score);
    o.remove("children");
    return o;
  }

  /** A step with the given text. */
  static JsonObject text(String text, double score, JsonObject... children) {
    return node(text, "", false, score, children);
  }

  /** A code step ending {@code <end_of_code>} with the given output. */
  static JsonObject codeEnd(String output, double score, JsonObject... children) {
    return node(
        "<code>\nz" + (++counter) + " = 3\nprint(z)\n<end_of_code>",
        output,
        false,
        score,
        children);
  }

  /** A code step whose run fails. */
  static JsonObject error(double score, JsonObject... children) {
    return node(
        "<code>\nw" + (++counter) + " = undefined_variable\n<end_of_step>",
        "",
        true,
        score,
        children);
  }

  /** An answer step. */
  static JsonObject answer(String value, double score) {
    JsonObject o = new JsonObject();
    o.addProperty("text", "<answer>The answer is \\boxed{" + value + "}" + ".<end_of_answer>");
    o.addProperty("score", score);
    return o;
  }

  static JsonObject node(
      String text, String output, boolean error, double score, JsonObject... children) {
    JsonObject o = new JsonObject();
    o.addProperty("text", text);
    o.addProperty("output", output);
    o.addProperty("error", error);
    o.addProperty("score", score);
    JsonArray a = new JsonArray();
    for (JsonObject c : children) {
      a.add(c);
    }
    o.add("children", a);
    return o;
  }

  /** A whole script. */
  static String script(
      String mode, int rollouts, int maxDepth, int errorsThreshold, JsonObject... rootChildren) {
    JsonObject s = new JsonObject();
    s.addProperty("question", "What is the answer?");
    s.addProperty("gold", "42");
    JsonObject cfg = new JsonObject();
    cfg.addProperty("mode", mode);
    cfg.addProperty("rollouts", rollouts);
    cfg.addProperty("maxDepth", maxDepth);
    cfg.addProperty("c", 2.0);
    cfg.addProperty("errorsThreshold", errorsThreshold);
    s.add("config", cfg);
    JsonObject root = new JsonObject();
    JsonArray a = new JsonArray();
    for (JsonObject c : rootChildren) {
      a.add(c);
    }
    root.add("children", a);
    s.add("root", root);
    return s.toString();
  }

  /** Counts of model calls made during a replay. */
  static final class Calls {
    final AtomicInteger policyCalls = new AtomicInteger();
    final AtomicInteger rewardRequests = new AtomicInteger();
  }

  static SearchResult run(ScriptedProblem sp, SearchConfig config, Calls calls) {
    Policy p = sp.policy();
    RewardModel rm = sp.rewardModel();
    Policy counted =
        batch -> {
          calls.policyCalls.incrementAndGet();
          return p.propose(batch);
        };
    RewardModel countedRm =
        batch -> {
          calls.rewardRequests.addAndGet(batch.size());
          return rm.score(batch);
        };
    ReasoningSearch.Builder b =
        ReasoningSearch.builder(counted, sp.verifier()).grader(sp.grader()).config(config);
    if (config.mode().usesRewardModel()) {
      b.rewardModel(countedRm);
    }
    return b.build().search(sp.problem());
  }

  static SearchResult run(ScriptedProblem sp) {
    return run(sp, sp.config(), new Calls());
  }

  /** Path (as a list) to node entry. */
  static Map<List<Integer>, GoldenTrees.Entry> byPath(SearchResult r) {
    Map<List<Integer>, GoldenTrees.Entry> m = new HashMap<>();
    for (GoldenTrees.Entry e : GoldenTrees.entries(r.tree())) {
      m.put(e.path(), e);
    }
    return m;
  }
}
