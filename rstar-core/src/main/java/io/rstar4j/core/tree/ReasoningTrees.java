package io.rstar4j.core.tree;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rstar4j.core.Problem;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * JSON codec for saved trees, one tree per line:
 *
 * <pre>{@code
 * {"id": "p1", "question": "...", "gold": ["4"],
 *  "root": {"text": "", "kind": "root", "visits": 8, "valueSum": 2.0, "terminal": false,
 *           "children": [{"text": "<code>...", "kind": "step", ...}, ...]}}
 * }</pre>
 *
 * Answer nodes add {@code "answer"} after {@code "kind"}. Keys are written in this order. On disk
 * the nodes nest (the format of every tree file written so far); in memory the tree is the flat
 * {@link ReasoningTree}. Writing and reading walk the nodes iteratively.
 */
public final class ReasoningTrees {
  private ReasoningTrees() {}

  /**
   * One compact JSON line (no trailing newline).
   *
   * @throws NullPointerException if tree is null
   */
  public static String toJsonLine(ReasoningTree tree) {
    JsonObject o = new JsonObject();
    o.addProperty("id", tree.problem().id());
    o.addProperty("question", tree.problem().question());
    JsonArray gold = new JsonArray();
    tree.problem().goldAnswers().forEach(gold::add);
    o.add("gold", gold);
    // pre-order: appending each node to its parent's children in index order keeps creation order
    List<ReasoningNode> nodes = tree.nodes();
    JsonArray[] children = new JsonArray[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      ReasoningNode n = nodes.get(i);
      JsonObject j = new JsonObject();
      j.addProperty("text", n.text());
      j.addProperty("kind", n.kind().jsonName());
      n.answer().ifPresent(a -> j.addProperty("answer", a));
      j.addProperty("visits", n.visits());
      j.addProperty("valueSum", n.valueSum());
      j.addProperty("terminal", n.terminal());
      children[i] = new JsonArray();
      j.add("children", children[i]);
      if (i == 0) {
        o.add("root", j);
      } else {
        children[n.parent()].add(j);
      }
    }
    return o.toString();
  }

  /**
   * Parses one line written by {@link #toJsonLine}. A missing {@code id} reads as {@code ""}, a
   * scalar {@code gold} as a one-element list, a missing {@code children} as none; an {@code
   * answer} on a node that is no answer node is ignored.
   *
   * @throws NullPointerException if line is null
   * @throws IllegalArgumentException if the line is not such a tree; the message names the node (by
   *     its path of child positions) and the field
   */
  public static ReasoningTree fromJsonLine(String line) {
    JsonObject o;
    try {
      o = JsonParser.parseString(line).getAsJsonObject();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a tree JSON object: " + e.getMessage(), e);
    }
    if (!o.has("question") || !o.has("root")) {
      throw new IllegalArgumentException("a tree needs \"question\" and \"root\"");
    }
    Problem p;
    JsonObject root;
    try {
      List<String> gold = new ArrayList<>();
      if (o.has("gold") && !o.get("gold").isJsonNull()) {
        JsonElement g = o.get("gold");
        if (g.isJsonArray()) {
          g.getAsJsonArray().forEach(e -> gold.add(e.getAsString()));
        } else {
          gold.add(g.getAsString());
        }
      }
      String id = o.has("id") ? o.get("id").getAsString() : "";
      p = new Problem(id, o.get("question").getAsString(), gold);
      root = o.getAsJsonObject("root");
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("bad id, question or gold: " + describe(e), e);
    }
    record Pending(JsonObject json, int parent, List<Integer> path) {}
    List<ReasoningNode> nodes = new ArrayList<>();
    Deque<Pending> work = new ArrayDeque<>();
    work.push(new Pending(root, -1, List.of()));
    while (!work.isEmpty()) {
      Pending w = work.pop();
      int index = nodes.size();
      JsonArray ch;
      try {
        nodes.add(node(w.json(), w.parent()));
        ch = w.json().has("children") ? w.json().getAsJsonArray("children") : new JsonArray();
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("node " + w.path() + ": " + describe(e), e);
      }
      for (int k = ch.size() - 1; k >= 0; k--) {
        List<Integer> path = new ArrayList<>(w.path());
        path.add(k);
        JsonElement c = ch.get(k);
        if (!c.isJsonObject()) {
          throw new IllegalArgumentException("node " + path + ": not a JSON object");
        }
        work.push(new Pending(c.getAsJsonObject(), index, path));
      }
    }
    return ReasoningTree.of(p, nodes);
  }

  private static ReasoningNode node(JsonObject o, int parent) {
    for (String k : List.of("kind", "visits", "valueSum", "terminal")) {
      if (!o.has(k) || o.get(k).isJsonNull()) {
        throw new IllegalArgumentException("no \"" + k + "\"");
      }
    }
    NodeKind kind = NodeKind.fromJson(o.get("kind").getAsString());
    Optional<String> answer = Optional.empty();
    if (kind == NodeKind.ANSWER) {
      if (!o.has("answer") || o.get("answer").isJsonNull()) {
        throw new IllegalArgumentException("an answer node needs \"answer\"");
      }
      answer = Optional.of(o.get("answer").getAsString());
    }
    return new ReasoningNode(
        parent,
        o.has("text") ? o.get("text").getAsString() : "",
        kind,
        answer,
        o.get("visits").getAsInt(),
        o.get("valueSum").getAsDouble(),
        o.get("terminal").getAsBoolean());
  }

  private static String describe(RuntimeException e) {
    String m = e.getMessage();
    return m == null || m.isBlank()
        ? e.getClass().getSimpleName() + " (a field has the wrong type)"
        : m;
  }
}
