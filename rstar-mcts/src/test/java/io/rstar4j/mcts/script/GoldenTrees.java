package io.rstar4j.mcts.script;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.rstar4j.core.tree.ReasoningNode;
import io.rstar4j.core.tree.ReasoningTree;
import java.util.ArrayList;
import java.util.List;

/**
 * The golden-tree node list: {@code {"nodes": [{"path": [...], "visits": N, "valueSum": W,
 * "terminal": B}, ...]}}, sorted by path (lexicographic on the index lists, the root {@code []}
 * first), paths being child indices in creation order.
 */
public final class GoldenTrees {
  private GoldenTrees() {}

  /** One node of the list. */
  public record Entry(List<Integer> path, int visits, double valueSum, boolean terminal) {
    public Entry {
      path = List.copyOf(path);
    }
  }

  /** The nodes of a tree in depth-first pre-order (which is the sorted path order). */
  public static List<Entry> entries(ReasoningTree tree) {
    List<Entry> out = new ArrayList<>(tree.size());
    for (int i = 0; i < tree.size(); i++) {
      ReasoningNode n = tree.node(i);
      out.add(new Entry(tree.path(i), n.visits(), n.valueSum(), n.terminal()));
    }
    return out;
  }

  /** The node list as a JSON object. */
  public static JsonObject toJson(ReasoningTree tree) {
    JsonArray nodes = new JsonArray();
    for (Entry e : entries(tree)) {
      JsonObject o = new JsonObject();
      JsonArray p = new JsonArray();
      e.path().forEach(p::add);
      o.add("path", p);
      o.addProperty("visits", e.visits());
      o.addProperty("valueSum", e.valueSum());
      o.addProperty("terminal", e.terminal());
      nodes.add(o);
    }
    JsonObject root = new JsonObject();
    root.add("nodes", nodes);
    return root;
  }

  /** Parses a node list (a golden file). */
  public static List<Entry> parse(String json) {
    JsonObject o = com.google.gson.JsonParser.parseString(json).getAsJsonObject();
    List<Entry> out = new ArrayList<>();
    for (var e : o.getAsJsonArray("nodes")) {
      JsonObject n = e.getAsJsonObject();
      List<Integer> path = new ArrayList<>();
      n.getAsJsonArray("path").forEach(x -> path.add(x.getAsInt()));
      out.add(
          new Entry(
              path,
              n.get("visits").getAsInt(),
              n.get("valueSum").getAsDouble(),
              n.get("terminal").getAsBoolean()));
    }
    return out;
  }
}
