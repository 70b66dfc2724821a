package io.rstar4j.core.tree;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rstar4j.core.Problem;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON codec for saved trees, one tree per line:
 *
 * <pre>{@code
 * {"id": "p1", "question": "...", "gold": ["4"],
 *  "root": {"text": "", "kind": "root", "visits": 8, "valueSum": 2.0, "terminal": false,
 *           "children": [{"text": "<code>...", "kind": "step", ...}, ...]}}
 * }</pre>
 *
 * Answer nodes add {@code "answer"}. Keys are written in this order.
 */
public final class ReasoningTrees {
  private ReasoningTrees() {}

  /** One compact JSON line (no trailing newline). */
  public static String toJsonLine(ReasoningTree tree) {
    JsonObject o = new JsonObject();
    o.addProperty("id", tree.problem().id());
    o.addProperty("question", tree.problem().question());
    JsonArray gold = new JsonArray();
    tree.problem().goldAnswers().forEach(gold::add);
    o.add("gold", gold);
    o.add("root", toJson(tree.root()));
    return o.toString();
  }

  /** Parses one line written by {@link #toJsonLine}. */
  public static ReasoningTree fromJsonLine(String line) {
    JsonObject o;
    try {
      o = JsonParser.parseString(line).getAsJsonObject();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a tree JSON object: " + e.getMessage(), e);
    }
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
    if (!o.has("question") || !o.has("root")) {
      throw new IllegalArgumentException("a tree needs \"question\" and \"root\"");
    }
    Problem p = new Problem(id, o.get("question").getAsString(), gold);
    return new ReasoningTree(p, fromJson(o.getAsJsonObject("root")));
  }

  static JsonObject toJson(ReasoningNode n) {
    JsonObject o = new JsonObject();
    o.addProperty("text", n.text());
    o.addProperty("kind", n.kind().jsonName());
    if (n.answer() != null) {
      o.addProperty("answer", n.answer());
    }
    o.addProperty("visits", n.visits());
    o.addProperty("valueSum", n.valueSum());
    o.addProperty("terminal", n.terminal());
    JsonArray ch = new JsonArray();
    for (ReasoningNode c : n.children()) {
      ch.add(toJson(c));
    }
    o.add("children", ch);
    return o;
  }

  static ReasoningNode fromJson(JsonObject o) {
    List<ReasoningNode> children = new ArrayList<>();
    if (o.has("children")) {
      for (JsonElement e : o.getAsJsonArray("children")) {
        children.add(fromJson(e.getAsJsonObject()));
      }
    }
    return new ReasoningNode(
        o.has("text") ? o.get("text").getAsString() : "",
        NodeKind.fromJson(o.get("kind").getAsString()),
        o.has("answer") && !o.get("answer").isJsonNull() ? o.get("answer").getAsString() : null,
        o.get("visits").getAsInt(),
        o.get("valueSum").getAsDouble(),
        o.get("terminal").getAsBoolean(),
        children);
  }
}
