package io.rstar4j.train.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rstar4j.core.AnswerGrader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Test oracle: the extraction path this module had before the saved tree became one flat shape,
 * kept verbatim in its logic (the recursive {@code ReasoningNode} records read from JSON, the
 * pre-order {@code IndexedTree} arrays built from them, SFT selection and the pair stage over those
 * arrays). New code is compared with it on random trees; nothing in main uses it.
 */
final class LegacyExtraction {
  private LegacyExtraction() {}

  /** The recursive node record of the old saved-tree shape. */
  record Node(
      String text,
      String kind,
      String answer,
      int visits,
      double valueSum,
      boolean terminal,
      List<Node> children) {
    double q() {
      return visits == 0 ? 0.0 : valueSum / visits;
    }
  }

  /** A tree as the old codec read it. */
  record Tree(String question, List<String> gold, Node root) {}

  /** The old codec's reader. */
  static Tree read(String line) {
    JsonObject o = JsonParser.parseString(line).getAsJsonObject();
    List<String> gold = new ArrayList<>();
    if (o.has("gold") && !o.get("gold").isJsonNull()) {
      JsonElement g = o.get("gold");
      if (g.isJsonArray()) {
        g.getAsJsonArray().forEach(e -> gold.add(e.getAsString()));
      } else {
        gold.add(g.getAsString());
      }
    }
    return new Tree(o.get("question").getAsString(), gold, node(o.getAsJsonObject("root")));
  }

  private static Node node(JsonObject o) {
    List<Node> children = new ArrayList<>();
    if (o.has("children")) {
      for (JsonElement e : o.getAsJsonArray("children")) {
        children.add(node(e.getAsJsonObject()));
      }
    }
    return new Node(
        o.has("text") ? o.get("text").getAsString() : "",
        o.get("kind").getAsString(),
        o.has("answer") && !o.get("answer").isJsonNull() ? o.get("answer").getAsString() : null,
        o.get("visits").getAsInt(),
        o.get("valueSum").getAsDouble(),
        o.get("terminal").getAsBoolean(),
        children);
  }

  /** The old pre-order arrays with the pair stage's leaf counts. */
  static final class Indexed {
    final List<Node> nodes = new ArrayList<>();
    final List<int[]> children = new ArrayList<>();
    final List<Integer> parent = new ArrayList<>();
    int[] correctBelow;
    int[] wrongBelow;

    Indexed(Node root) {
      record Pending(Node node, int parent, int position) {}
      Deque<Pending> work = new ArrayDeque<>();
      work.push(new Pending(root, -1, -1));
      while (!work.isEmpty()) {
        Pending p = work.pop();
        int i = nodes.size();
        nodes.add(p.node());
        parent.add(p.parent());
        children.add(new int[p.node().children().size()]);
        if (p.parent() >= 0) {
          children.get(p.parent())[p.position()] = i;
        }
        List<Node> ch = p.node().children();
        for (int k = ch.size() - 1; k >= 0; k--) {
          work.push(new Pending(ch.get(k), i, k));
        }
      }
      int n = nodes.size();
      correctBelow = new int[n];
      wrongBelow = new int[n];
      for (int i = n - 1; i >= 0; i--) {
        if (isCorrectLeaf(i)) {
          correctBelow[i]++;
        }
        if (isWrongLeaf(i)) {
          wrongBelow[i]++;
        }
        int p = parent.get(i);
        if (p >= 0) {
          correctBelow[p] += correctBelow[i];
          wrongBelow[p] += wrongBelow[i];
        }
      }
    }

    double q(int i) {
      return nodes.get(i).q();
    }

    String text(int i) {
      return nodes.get(i).text();
    }

    boolean isLeaf(int i) {
      return children.get(i).length == 0;
    }

    boolean isCorrectLeaf(int i) {
      return isLeaf(i) && nodes.get(i).kind().equals("answer") && q(i) == 1.0;
    }

    boolean isWrongLeaf(int i) {
      return isLeaf(i) && nodes.get(i).kind().equals("answer") && q(i) == -1.0;
    }

    List<Integer> pathTo(int node) {
      List<Integer> rev = new ArrayList<>();
      for (int i = node; i > 0; i = parent.get(i)) {
        rev.add(i);
      }
      List<Integer> path = new ArrayList<>(rev.size());
      for (int k = rev.size() - 1; k >= 0; k--) {
        path.add(rev.get(k));
      }
      return path;
    }
  }

  /** The old SFT selection. */
  static List<SftRecord> sft(Tree tree, ExtractionConfig config, AnswerGrader grader) {
    if (tree.gold().isEmpty() || config.sftPerProblem() == 0) {
      return List.of();
    }
    Indexed t = new Indexed(tree.root());
    record Scored(int leaf, double mean, double min) {}
    List<Scored> correct = new ArrayList<>();
    for (int i = 1; i < t.nodes.size(); i++) {
      if (!t.isLeaf(i)) {
        continue;
      }
      Node leaf = t.nodes.get(i);
      if (!leaf.kind().equals("answer") || !grader.matchesAny(leaf.answer(), tree.gold())) {
        continue;
      }
      List<Integer> path = t.pathTo(i);
      double sum = 0.0;
      double min = Double.POSITIVE_INFINITY;
      for (int s : path) {
        double q = t.q(s);
        sum += q;
        if (q < min) {
          min = q;
        }
      }
      correct.add(new Scored(i, sum / path.size(), min));
    }
    correct.sort(
        (a, b) -> {
          if (a.mean() != b.mean()) {
            return a.mean() > b.mean() ? -1 : 1;
          }
          if (a.min() != b.min()) {
            return a.min() > b.min() ? -1 : 1;
          }
          return 0;
        });
    String excluded = config.excludedSubstring().toLowerCase(Locale.ROOT);
    List<SftRecord> out = new ArrayList<>();
    for (Scored s : correct.subList(0, Math.min(config.sftPerProblem(), correct.size()))) {
      StringBuilder sb = new StringBuilder();
      for (int n : t.pathTo(s.leaf())) {
        sb.append(t.text(n));
      }
      String response = TextOps.pythonStrip(sb.toString());
      if (!excluded.isEmpty() && response.toLowerCase(Locale.ROOT).contains(excluded)) {
        continue;
      }
      out.add(new SftRecord(tree.question(), response));
    }
    return out;
  }

  /** The old pair stage, before the filter. */
  static List<CandidatePair> candidates(Tree tree, ExtractionConfig config) {
    Indexed t = new Indexed(tree.root());
    String head = config.template().head(tree.question());
    List<CandidatePair> out = new ArrayList<>();
    if (t.correctBelow[0] == 0 || t.wrongBelow[0] == 0) {
      return out;
    }
    Deque<Integer> queue = new ArrayDeque<>();
    queue.add(0);
    while (!queue.isEmpty()) {
      int s = queue.poll();
      int[] ch = t.children.get(s);
      List<Integer> chosen = new ArrayList<>();
      List<Integer> rejected = new ArrayList<>();
      for (int c : ch) {
        if (t.correctBelow[c] > 0) {
          chosen.add(c);
        }
        if (t.wrongBelow[c] > 0) {
          rejected.add(c);
        }
      }
      chosen.sort((a, b) -> t.q(a) > t.q(b) ? -1 : t.q(a) < t.q(b) ? 1 : 0);
      rejected.sort((a, b) -> t.q(a) < t.q(b) ? -1 : t.q(a) > t.q(b) ? 1 : 0);
      if (!chosen.isEmpty() && !rejected.isEmpty()) {
        int n = config.pairsPerSide();
        int wide = config.pairsPerSideWhenOtherSingle();
        List<Integer> p = head(chosen, n);
        List<Integer> m = head(rejected, n);
        if (p.size() == 1) {
          m = head(rejected, wide);
        }
        if (m.size() == 1) {
          p = head(chosen, wide);
        }
        for (int a : p) {
          for (int b : m) {
            double margin = t.q(a) - t.q(b);
            String[] upText = new String[1];
            double up = greedy(t, a, true, upText);
            String[] downText = new String[1];
            double down = greedy(t, b, false, downText);
            if (margin > 0 && up > down) {
              StringBuilder prefix = new StringBuilder(head);
              for (int x : t.pathTo(s)) {
                prefix.append(t.text(x));
              }
              out.add(
                  new CandidatePair(
                      prefix.toString(),
                      t.text(a),
                      upText[0],
                      t.text(b),
                      downText[0],
                      margin,
                      up - down,
                      head,
                      m.size(),
                      p.size()));
            }
          }
        }
      }
      for (int c : ch) {
        if (t.correctBelow[c] > 0 && t.wrongBelow[c] > 0) {
          queue.add(c);
        }
      }
    }
    return out;
  }

  private static double greedy(Indexed t, int x, boolean up, String[] text) {
    StringBuilder sb = new StringBuilder();
    double sum = 0.0;
    int len = 0;
    int cur = x;
    while (true) {
      sb.append(t.text(cur));
      sum += t.q(cur);
      len++;
      int next = -1;
      for (int c : t.children.get(cur)) {
        if ((up ? t.correctBelow[c] : t.wrongBelow[c]) <= 0) {
          continue;
        }
        if (next < 0 || (up ? t.q(c) > t.q(next) : t.q(c) < t.q(next))) {
          next = c;
        }
      }
      if (next < 0) {
        break;
      }
      cur = next;
    }
    text[0] = sb.toString();
    return sum / len;
  }

  private static List<Integer> head(List<Integer> list, int n) {
    return list.subList(0, Math.min(n, list.size()));
  }
}
