package io.rstar4j.train.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rstar4j.core.Problem;
import io.rstar4j.core.StepFormat;
import io.rstar4j.core.tree.NodeKind;
import io.rstar4j.core.tree.ReasoningNode;
import io.rstar4j.core.tree.ReasoningTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test fixture: rebuilds the saved tree of a golden example from its script (texts, outputs,
 * errors) and its golden node list (paths, visits, value sums, terminal flags), applying the
 * README's expansion de-duplication, answer rule, error counting and node-text rules.
 */
final class GoldenTrees {
  static final String ERROR_TEXT = "NameError: name 'undefined_variable' is not defined";

  private GoldenTrees() {}

  static String resource(String name) {
    try (InputStream in = GoldenTrees.class.getResourceAsStream("/golden-trees/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> lines(String name) {
    String s = resource(name);
    List<String> out = new ArrayList<>();
    for (String l : s.split("\n", -1)) {
      if (!l.isEmpty()) {
        out.add(l);
      }
    }
    return out;
  }

  /**
   * The tree of example {@code base} (e.g. {@code example-1-terminal-guided}). A test-time tree is
   * saved without its gold answer, as the reference's search saves it.
   */
  static ReasoningTree load(String base) {
    JsonObject script = JsonParser.parseString(resource(base + ".script.json")).getAsJsonObject();
    JsonObject golden = JsonParser.parseString(resource(base + ".golden.json")).getAsJsonObject();
    Map<List<Integer>, JsonObject> byPath = new HashMap<>();
    for (JsonElement e : golden.getAsJsonArray("nodes")) {
      JsonObject n = e.getAsJsonObject();
      List<Integer> path = new ArrayList<>();
      for (JsonElement p : n.getAsJsonArray("path")) {
        path.add(p.getAsInt());
      }
      byPath.put(path, n);
    }
    JsonObject config = script.getAsJsonObject("config");
    int threshold = config.get("errorsThreshold").getAsInt();
    int maxDepth = config.get("maxDepth").getAsInt();
    String question = script.get("question").getAsString();
    List<String> gold =
        script.has("gold")
                && !script.get("gold").isJsonNull()
                && !"test-time".equals(config.get("mode").getAsString())
            ? List.of(script.get("gold").getAsString())
            : List.of();
    List<ReasoningNode> nodes = new ArrayList<>();
    // iterative pre-order over the script, children in the README's creation order
    record Pending(JsonObject script, List<Integer> path, int parent, int depth, int errors) {}
    Deque<Pending> work = new ArrayDeque<>();
    work.push(new Pending(script.getAsJsonObject("root"), List.of(), -1, 0, 0));
    while (!work.isEmpty()) {
      Pending w = work.pop();
      JsonObject g = byPath.get(w.path());
      if (g == null) {
        throw new IllegalStateException("golden has no node " + w.path());
      }
      int index = nodes.size();
      nodes.add(node(w.script(), w.parent(), w.depth(), w.errors(), g, threshold, maxDepth));
      List<JsonObject> created = expand(w.script());
      List<Pending> children = new ArrayList<>();
      for (int i = 0; i < created.size(); i++) {
        List<Integer> cp = new ArrayList<>(w.path());
        cp.add(i);
        if (!byPath.containsKey(cp)) {
          break; // not expanded
        }
        JsonObject c = created.get(i);
        boolean answer = c.get("text").getAsString().contains("boxed");
        boolean error = !answer && c.has("error") && c.get("error").getAsBoolean();
        children.add(new Pending(c, cp, index, w.depth() + 1, error ? w.errors() + 1 : 0));
      }
      for (int i = children.size() - 1; i >= 0; i--) {
        work.push(children.get(i));
      }
    }
    return ReasoningTree.of(new Problem(base, question, gold), nodes);
  }

  private static ReasoningNode node(
      JsonObject scriptNode,
      int parent,
      int depth,
      int errors,
      JsonObject g,
      int threshold,
      int maxDepth) {
    int visits = g.get("visits").getAsInt();
    double valueSum = g.get("valueSum").getAsDouble();
    boolean terminal = g.get("terminal").getAsBoolean();
    if (parent < 0) {
      return ReasoningNode.root(visits, valueSum, terminal);
    }
    String raw = scriptNode.get("text").getAsString();
    if (raw.contains("boxed")) {
      return ReasoningNode.answer(
          parent, raw, StepFormat.extractBoxed(raw).orElse(""), visits, valueSum, terminal);
    }
    boolean error = scriptNode.has("error") && scriptNode.get("error").getAsBoolean();
    boolean terminalError = error && errors >= threshold;
    String out = error ? ERROR_TEXT : scriptNode.get("output").getAsString();
    String text;
    if (raw.contains("<end_of_code>")) {
      text =
          terminalError
              ? raw + "\n<output><output>" + ERROR_TEXT + "<end_of_output><end_of_output>"
              : raw + "\n<output>" + out + "<end_of_output>";
    } else {
      text = terminalError ? raw + "<end_of_code>\n<output>" + ERROR_TEXT + "<end_of_output>" : raw;
    }
    NodeKind kind =
        terminalError ? NodeKind.CODE_ERROR : depth > maxDepth ? NodeKind.TOO_DEEP : NodeKind.STEP;
    return ReasoningNode.step(parent, text, kind, visits, valueSum, terminal);
  }

  /** The README's expansion: de-duplicate bodies, then keep only the first answer if any. */
  private static List<JsonObject> expand(JsonObject scriptNode) {
    List<JsonObject> out = new ArrayList<>();
    if (!scriptNode.has("children")) {
      return out;
    }
    JsonArray ch = scriptNode.getAsJsonArray("children");
    Set<String> bodies = new HashSet<>();
    JsonObject firstAnswer = null;
    for (JsonElement e : ch) {
      JsonObject c = e.getAsJsonObject();
      String text = c.get("text").getAsString();
      String stop = null;
      for (String s : List.of("<end_of_step>", "<end_of_code>", "<end_of_answer>")) {
        if (text.endsWith(s)) {
          stop = s;
        }
      }
      String body = stop == null ? text : text.substring(0, text.length() - stop.length());
      if (!bodies.add(body)) {
        continue;
      }
      if ("<end_of_answer>".equals(stop) && firstAnswer == null) {
        firstAnswer = c;
      }
      out.add(c);
    }
    return firstAnswer != null ? List.of(firstAnswer) : out;
  }
}
