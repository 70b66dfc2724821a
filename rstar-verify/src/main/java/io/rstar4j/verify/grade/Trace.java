package io.rstar4j.verify.grade;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The rules that decided a comparison, one per level of nesting, for {@link MathGrader#explain}.
 * Each comparison notes its rule when it returns; entering a comparison forgets what the previous
 * comparison at that level and below noted, so the trail is that of the last comparison made at
 * each level. Mutable and confined to one call; the fast path never creates one.
 */
final class Trace {
  private static final int MAX_DEPTH = 32;

  private final String[] rules = new String[MAX_DEPTH];
  private int depth;

  void enter() {
    depth++;
    if (depth <= MAX_DEPTH) {
      Arrays.fill(rules, depth - 1, MAX_DEPTH, null);
    }
  }

  void exit() {
    depth--;
  }

  void note(String rule) {
    if (depth >= 1 && depth <= MAX_DEPTH) {
      rules[depth - 1] = rule;
    }
  }

  /** The rules from the outermost comparison inwards. */
  List<String> path() {
    List<String> out = new ArrayList<>();
    for (String r : rules) {
      if (r == null) {
        break;
      }
      out.add(r);
    }
    return out;
  }
}
