package io.rstar4j.verify.grade;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gold answers of the MATH benchmarks and generated rewrites of them: equivalent forms that a
 * grader must accept and near misses it must reject. Shared by the agreement test and the
 * throughput benchmark's fixtures.
 */
final class GoldAnswerRewrites {

  /** A generated pair with the verdict it must get and the rule that made it. */
  record Case(String gold, String variant, boolean equal, String rule) {}

  private static final Pattern SIMPLE_FRAC =
      Pattern.compile("^(-?)\\\\[dt]?frac\\{(\\d+)\\}\\{(\\d+)\\}$");
  private static final Pattern INTEGER = Pattern.compile("^-?\\d+$");
  private static final Pattern DECIMAL = Pattern.compile("^-?\\d+\\.\\d+$");
  private static final Pattern TEXT_ONLY = Pattern.compile("^\\\\text\\{([A-Za-z ]+)\\}$");
  private static final Pattern TWO_ITEM_BRACKETS =
      Pattern.compile(
          "^(\\\\left)?([\\(\\[])([^,\\(\\)\\[\\]]+),([^,\\(\\)\\[\\]]+?)(\\\\right)?([\\)\\]])$");
  private static final Pattern DIGIT = Pattern.compile("\\d");
  private static final Pattern THOUSANDS =
      Pattern.compile("^(\\\\\\$)?-?\\d{1,3}(,(\\\\!)?\\d{3})+(\\.\\d+)?$");

  private GoldAnswerRewrites() {}

  /** Gold answers of a benchmark file on the test class path (list answers flattened). */
  static List<String> golds(String resource) {
    try (InputStream in = GoldAnswerRewrites.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      JsonArray arr =
          JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
              .getAsJsonArray();
      List<String> out = new ArrayList<>();
      for (JsonElement e : arr) {
        JsonElement a = e.getAsJsonObject().get("answer");
        if (a.isJsonArray()) {
          for (JsonElement x : a.getAsJsonArray()) {
            out.add(x.getAsString());
          }
        } else {
          out.add(a.getAsString());
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Equivalent rewrites of {@code g}. */
  static List<Case> equalForms(String g) {
    List<Case> out = new ArrayList<>();
    add(out, g, "\\boxed{" + g + "}", true, "boxed");
    add(out, g, "The final answer is $\\boxed{" + g + "}$.", true, "boxed-in-sentence");
    add(out, g, "$" + g + "$", true, "dollars");
    if (g.contains("\\frac")) {
      add(out, g, g.replace("\\frac", "\\dfrac"), true, "dfrac");
    }
    if (g.contains("\\dfrac") || g.contains("\\tfrac")) {
      add(out, g, g.replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac"), true, "frac");
    }
    boolean thousands = THOUSANDS.matcher(g).matches();
    if (g.contains(",") && !g.contains(", ") && !thousands) {
      add(out, g, g.replaceAll(",(?!\\})", ", "), true, "space-after-comma");
    }
    if (g.contains(", ")) {
      add(out, g, g.replace(", ", ","), true, "no-space-after-comma");
    }
    if (g.contains("\\left") && g.contains("\\right")) {
      add(out, g, g.replace("\\left", "").replace("\\right", ""), true, "drop-left-right");
    } else if (g.length() > 2
        && (g.startsWith("(") && g.endsWith(")") || g.startsWith("[") && g.endsWith("]"))) {
      add(
          out,
          g,
          "\\left" + g.substring(0, g.length() - 1) + "\\right" + g.charAt(g.length() - 1),
          true,
          "left-right");
    }
    boolean scalarLike =
        INTEGER.matcher(g).matches()
            || DECIMAL.matcher(g).matches()
            || SIMPLE_FRAC.matcher(g).matches();
    if (scalarLike) {
      add(out, g, "x = " + g, true, "x-prefix");
      add(out, g, "\\boxed{x=" + g + "}", true, "boxed-x-prefix");
    }
    Matcher f = SIMPLE_FRAC.matcher(g);
    if (f.matches()) {
      double v = Double.parseDouble(f.group(2)) / Double.parseDouble(f.group(3));
      String sign = f.group(1);
      add(out, g, sign + f.group(2) + "/" + f.group(3), true, "a/b");
      add(out, g, sign + String.format(java.util.Locale.ROOT, "%.6g", v), true, "decimal");
      if (f.group(2).length() == 1 && f.group(3).length() == 1) {
        add(out, g, sign + "\\frac" + f.group(2) + f.group(3), true, "frac12");
      }
    }
    if (INTEGER.matcher(g).matches()) {
      add(out, g, g + ".0", true, "trailing-.0");
      long n = Long.parseLong(g);
      if (Math.abs(n) >= 1000) {
        add(out, g, String.format(java.util.Locale.ROOT, "%,d", n), true, "thousands");
        add(
            out,
            g,
            String.format(java.util.Locale.ROOT, "%,d", n).replace(",", "{,}"),
            true,
            "thousands-braces");
      }
    }
    Matcher t = TEXT_ONLY.matcher(g);
    if (t.matches()) {
      add(out, g, t.group(1), true, "unwrap-text");
    }
    if (g.contains("\\le ") || g.contains("\\ge ")) {
      add(out, g, g.replace("\\le ", "\\leq ").replace("\\ge ", "\\geq "), true, "leq");
    }
    if (g.contains("^\\circ")) {
      add(out, g, g.replace("^\\circ", ""), true, "no-degree");
    }
    if (g.contains("\\%")) {
      add(out, g, g.replace("\\%", "%"), true, "percent-sign");
    }
    if (g.contains("\\sqrt{") && Pattern.compile("\\\\sqrt\\{\\d\\}").matcher(g).find()) {
      add(out, g, g.replaceAll("\\\\sqrt\\{(\\d)\\}", "\\\\sqrt$1"), true, "sqrt2");
    }
    return out;
  }

  /** Near misses of {@code g}: answers that must not be judged equal to it. */
  static List<Case> nearMisses(String g) {
    List<Case> out = new ArrayList<>();
    Matcher d = DIGIT.matcher(g);
    if (d.find() && !g.contains("\\text")) {
      int i = d.start();
      char c = g.charAt(i);
      char r = c == '9' ? '8' : (char) (c + 1);
      // a changed leading digit of a number
      add(out, g, g.substring(0, i) + r + g.substring(i + 1), false, "changed-digit");
    }
    if (INTEGER.matcher(g).matches()
        || DECIMAL.matcher(g).matches()
        || SIMPLE_FRAC.matcher(g).matches()) {
      boolean zero =
          Double.parseDouble(
                  g.replaceAll("[^0-9.]", "").isEmpty()
                      ? "0"
                      : g.replaceAll("\\\\[dt]?frac\\{(\\d+)\\}\\{(\\d+)\\}", "$1"))
              == 0;
      if (!zero) {
        add(out, g, g.startsWith("-") ? g.substring(1) : "-" + g, false, "flipped-sign");
      }
      if (INTEGER.matcher(g).matches() && !zero && Math.abs(Long.parseLong(g)) < 1_000_000) {
        add(out, g, Long.toString(Long.parseLong(g) * 100), false, "times-100");
        add(out, g, g + "1", false, "appended-digit");
      }
    }
    Matcher m = TWO_ITEM_BRACKETS.matcher(g);
    if (m.matches() && !g.contains("\\infty")) {
      String l = m.group(3).strip();
      String r = m.group(4).strip();
      String open = m.group(2);
      String close = m.group(6);
      if (!l.equals(r)) {
        add(out, g, open + r + "," + l + close, false, "swapped-items");
      }
      String otherOpen = open.equals("(") ? "[" : "(";
      add(out, g, otherOpen + l + "," + r + close, false, "other-open-end");
    }
    if (g.contains("<") || g.contains(">") || g.contains("\\le") || g.contains("\\ge")) {
      String rev =
          g.replace("<", "\u0001")
              .replace(">", "<")
              .replace("\u0001", ">")
              .replace("\\le", "\u0002")
              .replace("\\ge", "\\le")
              .replace("\u0002", "\\ge");
      add(out, g, rev, false, "reversed-relation");
    }
    return out;
  }

  private static void add(List<Case> out, String g, String v, boolean equal, String rule) {
    if (!v.equals(g) || equal) {
      out.add(new Case(g, v, equal, rule));
    }
  }
}
