package io.rstar4j.mcts.script;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rstar4j.core.AnswerGrader;
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
import io.rstar4j.mcts.ReasoningSearch;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.mcts.SearchMode;
import io.rstar4j.mcts.SearchResult;
import io.rstar4j.mcts.engine.EngineOptions;
import io.rstar4j.mcts.engine.SelectionRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A search problem written as a golden-tree script: the question, the gold answer, the search
 * configuration and the tree of every candidate the policy proposes, with each code step's output
 * or error and each step's reward-model score. Provides real SPI implementations that replay it:
 *
 * <ul>
 *   <li>{@link #policy()}: expanding a node yields its scripted children's texts, in order;
 *   <li>{@link #verifier()}: a code step's scripted {@code output}, or for {@code "error": true}
 *       exactly {@value #ERROR_TEXT};
 *   <li>{@link #grader()}: equality with all whitespace removed;
 *   <li>{@link #rewardModel()}: the scripted {@code score} (default 0.0).
 * </ul>
 *
 * Steps are looked up by their texts from the root, so a replayed search must use the scripted
 * texts unchanged. {@link #replay()} runs the project's search on the script as the reference did.
 */
public final class ScriptedProblem {
  /** The error text the scripted verifier reports. */
  public static final String ERROR_TEXT = "NameError: name 'undefined_variable' is not defined";

  private final Problem problem;
  private final SearchConfig config;
  private final Node root;

  private ScriptedProblem(Problem problem, SearchConfig config, Node root) {
    this.problem = problem;
    this.config = config;
    this.root = root;
  }

  /** One scripted node. */
  private static final class Node {
    final String text;
    final String output;
    final boolean error;
    final double score;
    final List<Node> children; // null: no "children" key

    Node(String text, String output, boolean error, double score, List<Node> children) {
      this.text = text;
      this.output = output;
      this.error = error;
      this.score = score;
      this.children = children;
    }
  }

  /**
   * Reads a script file.
   *
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException if it is not a valid script
   */
  public static ScriptedProblem read(Path file) throws IOException {
    String name = file.getFileName().toString();
    String id =
        name.endsWith(".script.json")
            ? name.substring(0, name.length() - ".script.json".length())
            : name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
    return parse(Files.readString(file, StandardCharsets.UTF_8), id.isEmpty() ? "script" : id);
  }

  /**
   * Parses a script.
   *
   * @param id the problem id to use
   * @throws IllegalArgumentException if it is not a valid script
   */
  public static ScriptedProblem parse(String json, String id) {
    JsonObject o;
    try {
      o = JsonParser.parseString(json).getAsJsonObject();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a script JSON object: " + e.getMessage(), e);
    }
    try {
      String question = o.get("question").getAsString();
      List<String> gold = new ArrayList<>();
      JsonElement g = o.get("gold");
      if (g != null && !g.isJsonNull()) {
        if (g.isJsonArray()) {
          g.getAsJsonArray().forEach(e -> gold.add(e.getAsString()));
        } else {
          gold.add(g.getAsString());
        }
      }
      JsonObject cfg = o.has("config") ? o.getAsJsonObject("config") : new JsonObject();
      SearchMode mode =
          cfg.has("mode")
              ? SearchMode.parse(cfg.get("mode").getAsString())
              : SearchMode.TERMINAL_GUIDED;
      SearchConfig base =
          mode == SearchMode.TERMINAL_GUIDED
              ? SearchConfig.terminalGuidedRound()
              : mode == SearchMode.PPM_AUGMENTED
                  ? SearchConfig.ppmAugmentedRound()
                  : SearchConfig.testTime();
      Node root = node(o.getAsJsonObject("root"), true);
      SearchConfig.Builder b = base.toBuilder().mode(mode).candidates(Math.max(1, maxWidth(root)));
      if (cfg.has("rollouts")) {
        b.rollouts(cfg.get("rollouts").getAsInt());
      }
      EngineOptions.Builder engine = base.engine().toBuilder();
      if (cfg.has("maxDepth")) {
        engine.maxDepth(cfg.get("maxDepth").getAsInt());
      }
      if (cfg.has("c")) {
        engine.rule(SelectionRule.uct(cfg.get("c").getAsDouble()));
      }
      b.engine(engine.build());
      if (cfg.has("errorsThreshold")) {
        b.errorsThreshold(cfg.get("errorsThreshold").getAsInt());
      }
      return new ScriptedProblem(new Problem(id, question, gold), b.build(), root);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid script: " + e, e);
    }
  }

  /** Parses a script with the problem id {@code script}. */
  public static ScriptedProblem parse(String json) {
    return parse(json, "script");
  }

  private static Node node(JsonObject o, boolean isRoot) {
    if (o == null) {
      throw new IllegalArgumentException("a script needs a \"root\" object");
    }
    String text = isRoot ? "" : o.get("text").getAsString();
    String output =
        o.has("output") && !o.get("output").isJsonNull() ? o.get("output").getAsString() : "";
    boolean error = o.has("error") && o.get("error").getAsBoolean();
    double score =
        o.has("score") && !o.get("score").isJsonNull() ? o.get("score").getAsDouble() : 0.0;
    List<Node> children = null;
    if (o.has("children")) {
      JsonArray a = o.getAsJsonArray("children");
      children = new ArrayList<>(a.size());
      for (JsonElement e : a) {
        children.add(node(e.getAsJsonObject(), false));
      }
    }
    return new Node(text, output, error, score, children);
  }

  private static int maxWidth(Node n) {
    int w = n.children == null ? 0 : n.children.size();
    if (n.children != null) {
      for (Node c : n.children) {
        w = Math.max(w, maxWidth(c));
      }
    }
    return w;
  }

  /** Runs {@link ReasoningSearch} on the script with its own configuration. */
  public SearchResult replay() {
    return replay(config);
  }

  /**
   * Runs {@link ReasoningSearch} on the script with another configuration (e.g. one with a named
   * departure from the reference).
   *
   * @throws NullPointerException if config is null
   */
  public SearchResult replay(SearchConfig config) {
    ReasoningSearch.Builder b =
        ReasoningSearch.builder(policy(), verifier()).grader(grader()).config(config);
    if (config.mode().usesRewardModel()) {
      b.rewardModel(rewardModel());
    }
    return b.build().search(problem);
  }

  /**
   * The problem: question and gold answer; its id is the file name without {@code .script.json}.
   */
  public Problem problem() {
    return problem;
  }

  /**
   * The search configuration the script asks for (mode, rollouts, maxDepth, c, errorsThreshold).
   */
  public SearchConfig config() {
    return config;
  }

  /** A policy proposing each node's scripted children, in order (none without "children"). */
  public Policy policy() {
    return batch -> {
      List<List<Generation>> out = new ArrayList<>(batch.size());
      for (PolicyRequest r : batch) {
        Node n = find(r.partial(), null);
        List<Generation> gens = new ArrayList<>();
        if (n.children != null) {
          for (Node c : n.children) {
            gens.add(Generation.of(c.text));
          }
        }
        out.add(gens);
      }
      return out;
    };
  }

  /** A verifier reporting each code step's scripted output or error. */
  public Verifier verifier() {
    return new Verifier() {
      @Override
      public ExecutionOutcome execute(String program) {
        throw new UnsupportedOperationException(
            "a scripted verifier looks steps up by position: use executeStep");
      }

      @Override
      public ExecutionOutcome executeStep(Trajectory before, Step step) {
        Node n = find(before, step);
        return n.error
            ? new ExecutionOutcome.Error(ERROR_TEXT, Duration.ZERO)
            : new ExecutionOutcome.Output(n.output, Duration.ZERO);
      }
    };
  }

  /** Equality after removing all whitespace. */
  public AnswerGrader grader() {
    return AnswerGrader.whitespaceInsensitive();
  }

  /** A reward model returning each step's scripted score. */
  public RewardModel rewardModel() {
    return batch -> {
      double[] out = new double[batch.size()];
      for (int i = 0; i < out.length; i++) {
        RewardRequest r = batch.get(i);
        out[i] = r.partial().isEmpty() ? 0.0 : find(r.partial(), null).score;
      }
      return out;
    };
  }

  /** The scripted node reached by the trajectory's texts (then step's, when not null). */
  private Node find(Trajectory t, Step last) {
    Node n = root;
    List<Step> steps = t.steps();
    int k = steps.size() + (last == null ? 0 : 1);
    for (int i = 0; i < k; i++) {
      String text = i < steps.size() ? steps.get(i).text() : last.text();
      Node next = null;
      for (Node c : n.children == null ? Collections.<Node>emptyList() : n.children) {
        if (c.text.equals(text)) {
          next = c;
          break;
        }
      }
      if (next == null) {
        throw new IllegalStateException(
            "no scripted step at depth " + (i + 1) + " with text " + abbreviate(text));
      }
      n = next;
    }
    return n;
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? "'" + s + "'" : "'" + s.substring(0, 57) + "...'";
  }
}
