package io.rstar4j.train.data;

import io.rstar4j.core.tree.NodeKind;
import io.rstar4j.core.tree.ReasoningNode;
import io.rstar4j.core.tree.ReasoningTree;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * Step-level preference pairs from a searched tree, as the reference extracts them.
 *
 * <p>A correct leaf is an answer leaf with Q exactly 1, a wrong leaf one with Q exactly -1. Nodes
 * are visited breadth-first from the root; at each node the children with a correct leaf below (by
 * Q descending) are paired with the children with a wrong leaf below (by Q ascending), a pair kept
 * when the Q margin is positive and the chosen child's greedy best chain has a higher mean Q than
 * the rejected child's greedy worst chain. {@link #filter} then applies the margin and
 * edit-distance thresholds.
 */
public final class PreferencePairs {
  private PreferencePairs() {}

  /**
   * Every candidate pair of the tree, in the reference's order, before the filter.
   *
   * @throws NullPointerException if an argument is null
   */
  public static List<CandidatePair> candidates(ReasoningTree tree, ExtractionConfig config) {
    Objects.requireNonNull(tree, "tree");
    Objects.requireNonNull(config, "config");
    Counts t = new Counts(tree);
    String head = config.template().head(tree.problem().question());
    List<CandidatePair> out = new ArrayList<>();
    if (t.correctBelow[0] == 0 || t.wrongBelow[0] == 0) {
      return out;
    }
    Deque<Integer> queue = new ArrayDeque<>();
    queue.add(0);
    while (!queue.isEmpty()) {
      int s = queue.poll();
      List<Integer> ch = tree.children(s);
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
        String prefix = null;
        for (int a : p) {
          for (int b : m) {
            double margin = t.q(a) - t.q(b);
            Chain up = greedy(t, a, true);
            Chain down = greedy(t, b, false);
            if (margin > 0 && up.mean() > down.mean()) {
              if (prefix == null) {
                prefix = head + tree.textTo(s);
              }
              out.add(
                  new CandidatePair(
                      prefix,
                      t.text(a),
                      up.text(),
                      t.text(b),
                      down.text(),
                      margin,
                      up.mean() - down.mean(),
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

  /** Whether a candidate passes the final filter (margin and edit distance thresholds). */
  public static boolean passesFilter(CandidatePair c, ExtractionConfig config) {
    return c.stepMargin() >= config.minStepMargin()
        && TextOps.levenshtein(c.rejectedStep(), c.chosenStep()) >= config.minEditDistance();
  }

  /** The candidates that pass the filter, as training pairs, in order. */
  public static List<PreferencePair> filter(
      List<CandidatePair> candidates, ExtractionConfig config) {
    List<PreferencePair> out = new ArrayList<>();
    for (CandidatePair c : candidates) {
      if (passesFilter(c, config)) {
        out.add(c.toPair());
      }
    }
    return out;
  }

  /** The filtered training pairs of one tree. */
  public static List<PreferencePair> extract(ReasoningTree tree, ExtractionConfig config) {
    return filter(candidates(tree, config), config);
  }

  private record Chain(String text, double mean) {}

  /**
   * The tree with the pair stage's counts: a correct leaf is an answer leaf with Q exactly 1, a
   * wrong leaf one with Q exactly -1; c(n) and w(n) count them in n's subtree, n included.
   */
  private static final class Counts {
    final ReasoningTree tree;
    final int[] correctBelow;
    final int[] wrongBelow;

    Counts(ReasoningTree tree) {
      this.tree = tree;
      int n = tree.size();
      correctBelow = new int[n];
      wrongBelow = new int[n];
      // pre-order: every child has a larger index than its parent, so a reverse sweep sums subtrees
      for (int i = n - 1; i >= 0; i--) {
        ReasoningNode node = tree.node(i);
        if (tree.isLeaf(i) && node.kind() == NodeKind.ANSWER) {
          if (node.q() == 1.0) {
            correctBelow[i]++;
          } else if (node.q() == -1.0) {
            wrongBelow[i]++;
          }
        }
        int p = node.parent();
        if (p >= 0) {
          correctBelow[p] += correctBelow[i];
          wrongBelow[p] += wrongBelow[i];
        }
      }
    }

    double q(int i) {
      return tree.node(i).q();
    }

    String text(int i) {
      return tree.node(i).text();
    }
  }

  private static Chain greedy(Counts t, int x, boolean up) {
    StringBuilder sb = new StringBuilder();
    double sum = 0.0;
    int len = 0;
    int cur = x;
    while (true) {
      sb.append(t.text(cur));
      sum += t.q(cur);
      len++;
      int next = -1;
      for (int c : t.tree.children(cur)) {
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
    return new Chain(sb.toString(), sum / len);
  }

  private static List<Integer> head(List<Integer> list, int n) {
    return list.subList(0, Math.min(n, list.size()));
  }
}
