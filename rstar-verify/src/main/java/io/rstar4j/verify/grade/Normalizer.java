package io.rstar4j.verify.grade;

import io.rstar4j.core.StepFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites a final answer written in LaTeX into one canonical spelling: delimiters, spacing
 * commands, {@code \left}/{@code \right}, fraction variants, text and unit suffixes, degrees,
 * percent signs, thousands separators, relation symbols and word numbers.
 */
final class Normalizer {

  /** A normalised answer and whether it carried a percent sign or a degree sign. */
  record Normalized(String text, boolean percent, boolean degree) {}

  private static final Pattern TRAILING_TEXT =
      Pattern.compile("^(.*?\\S)\\s*\\\\(?:text|textrm|mbox|mathrm|textbf)\\s*\\{([^{}]*)\\}$");
  private static final Pattern TEXT_GROUP =
      Pattern.compile(
          "\\\\(?:text|textrm|textit|textbf|mbox|mathrm|mathit|mathbf|boldsymbol|textnormal|operatorname)\\s*\\{([^{}]*)\\}");
  private static final Set<String> UNIT_VOCAB =
      Set.of(
          "unit",
          "units",
          "square",
          "sq",
          "cubic",
          "cu",
          "cm",
          "mm",
          "km",
          "m",
          "meter",
          "meters",
          "metre",
          "metres",
          "centimeter",
          "centimeters",
          "millimeter",
          "millimeters",
          "kilometer",
          "kilometers",
          "inch",
          "inches",
          "in",
          "feet",
          "foot",
          "ft",
          "yard",
          "yards",
          "yd",
          "mile",
          "miles",
          "mi",
          "mph",
          "kph",
          "dollar",
          "dollars",
          "cent",
          "cents",
          "degree",
          "degrees",
          "radian",
          "radians",
          "rad",
          "second",
          "seconds",
          "sec",
          "s",
          "minute",
          "minutes",
          "min",
          "hour",
          "hours",
          "hr",
          "hrs",
          "h",
          "day",
          "days",
          "week",
          "weeks",
          "month",
          "months",
          "year",
          "years",
          "gram",
          "grams",
          "g",
          "kg",
          "kilogram",
          "kilograms",
          "pound",
          "pounds",
          "lb",
          "lbs",
          "ounce",
          "ounces",
          "oz",
          "liter",
          "liters",
          "litre",
          "litres",
          "ml",
          "gallon",
          "gallons",
          "people",
          "persons",
          "students",
          "ways",
          "points",
          "times",
          "per",
          "an",
          "each",
          "total");
  private static final Pattern GLUED_UNIT =
      Pattern.compile("^(.*\\d)(?:cm|mm|km|kg|ft|mph|sec|hrs)(?:\\^\\{?[23]\\}?)?$");
  private static final Pattern LE = Pattern.compile("\\\\(?:leqslant|leq|le)(?![a-zA-Z])");
  private static final Pattern GE = Pattern.compile("\\\\(?:geqslant|geq|ge)(?![a-zA-Z])");
  private static final Pattern NE = Pattern.compile("\\\\(?:neq|ne)(?![a-zA-Z])");
  private static final Pattern IN = Pattern.compile("\\\\in(?![a-zA-Z])");
  private static final Pattern SIZING =
      Pattern.compile(
          "\\\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|Biggl|Biggr|big|Big|bigg|Bigg)(?![a-zA-Z])\\.?");
  private static final Pattern REPEATING =
      Pattern.compile("(\\d*)\\.(\\d*)\\\\(?:overline|bar|dot)\\s*\\{?(\\d+)\\}?");
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern BRACE_COMMA = Pattern.compile("(\\d)\\{,\\}(\\d+)");

  /** {@code ,\!} between digits, with or without a space after: a thousands separator. */
  private static final Pattern THIN_COMMA = Pattern.compile("(\\d),\\\\!\\s*(?=\\d)");

  /**
   * A command written with a doubled backslash ({@code \\frac}, {@code \\le}): an escaping slip.
   */
  private static final Pattern DOUBLED_COMMAND = Pattern.compile("\\\\\\\\(?=[a-zA-Z])");

  private static final Pattern OVER = Pattern.compile("\\{([^{}]*)\\\\over(?![a-zA-Z])([^{}]*)\\}");

  /** A trailing percent word: {@code 50 percent}, {@code 50 pct.}, {@code 50\text{ per cent}}. */
  private static final Pattern PERCENT_WORD =
      Pattern.compile(
          "^(.*?[\\d})])\\s*(?:\\\\(?:text|mbox|textrm|mathrm)\\s*\\{\\s*)?"
              + "(?:percentage|percent|per\\s?cent|pct)\\.?\\s*(?:(?<=\\{.{0,20})\\})?$",
          Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  /** What may stand between two boxed answers that are read as one list. */
  private static final Pattern BOX_SEPARATOR =
      Pattern.compile(
          "^(?:\\s|[,;$~]|\\\\[,;: !]|\\\\q?quad(?![a-zA-Z])|\\\\[()\\[\\]]|\\band\\b|\\bor\\b"
              + "|\\\\(?:text|mbox|textrm)\\s*\\{\\s*(?:and|or|,)?\\s*\\})*$");

  private Normalizer() {}

  static Normalized normalize(String raw) {
    String s = repairControlEscapes(raw).strip();
    if (isPlain(s)) {
      while (s.endsWith(".")) {
        s = s.substring(0, s.length() - 1);
      }
      return new Normalized(s, false, false);
    }
    if (s.contains("\\boxed") || s.contains("\\fbox")) {
      s = boxedAnswer(s);
    } else if (s.length() > 12 && s.contains("nswer")) {
      s = afterAnswerIs(s);
    }
    s = s.replace('\n', ' ').replace('\t', ' ');
    if (s.indexOf('$') >= 0) {
      s = s.replace("\\$", "").replace("$", "");
    }
    if (s.contains("\\\\") && !s.contains("\\begin") && !s.contains("\\\\\\")) {
      // \\frac written for \frac (a string escaped twice): outside environments, a row break
      // cannot come before a letter
      s = DOUBLED_COMMAND.matcher(s).replaceAll(Matcher.quoteReplacement("\\"));
    }
    if (s.contains(",\\!")) {
      s = THIN_COMMA.matcher(s).replaceAll("$1,");
    }
    boolean rowBreaks = s.contains("\\\\");
    if (rowBreaks) {
      s = s.replace("\\\\", "\u0001");
    }
    if (s.contains("{,}")) {
      s = braceCommas(s);
    }
    if (s.indexOf('\\') >= 0) {
      s = s.replace("\\(", "").replace("\\)", "");
      if (s.startsWith("\\[") && s.endsWith("\\]")) {
        s = s.substring(2, s.length() - 2);
      }
      s =
          s.replace("\\!", "")
              .replace("\\,", "")
              .replace("\\;", " ")
              .replace("\\:", " ")
              .replace("\\ ", " ")
              .replace("\\quad", " ")
              .replace("\\qquad", " ")
              .replace("\\displaystyle", "");
      if (s.contains("frac")) {
        s = unifyFractions(s);
      }
      if (s.contains("binom")) {
        s = s.replace("\\dbinom", "\\binom").replace("\\tbinom", "\\binom");
      }
      if (s.contains("\\over")) {
        s =
            OVER.matcher(s)
                .replaceAll(
                    mr ->
                        Matcher.quoteReplacement(
                            "\\frac{" + mr.group(1).strip() + "}{" + mr.group(2).strip() + "}"));
      }
      if (s.contains("\\left")
          || s.contains("\\right")
          || s.contains("\\big")
          || s.contains("\\Big")) {
        s = SIZING.matcher(s).replaceAll("");
      }
    }
    if (s.indexOf('~') >= 0) {
      s = s.replace('~', ' ');
    }
    // degrees
    boolean degree = false;
    if (s.contains("circ") || s.indexOf('°') >= 0 || s.contains("degree")) {
      String before = s;
      s =
          s.replace("^{\\circ}", "")
              .replace("^\\circ", "")
              .replace("^{\\circ }", "")
              .replace("°", "")
              .replace("\\degree", "")
              .replace("\\textdegree", "");
      degree = !s.equals(before);
      String low = s.toLowerCase(Locale.ROOT).strip();
      if (low.endsWith("degrees") || low.endsWith("degree")) {
        degree = true;
      }
    }
    // percent
    boolean percent = false;
    if (s.indexOf('%') >= 0) {
      percent = true;
      s = s.replace("\\%", "").replace("%", "");
    }
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.endsWith("percent")) {
      percent = true;
      s = s.substring(0, s.length() - "percent".length());
      if (s.endsWith("\\text{ ") || s.endsWith("\\text{")) {
        s = s.substring(0, s.lastIndexOf("\\text{"));
      }
    } else if (lower.endsWith("percent}")) {
      int at = s.lastIndexOf("\\text");
      if (at > 0) {
        percent = true;
        s = s.substring(0, at);
      }
    } else if (endsLikePercentWord(lower) && (lower.contains("pct") || lower.contains("cent"))) {
      // the other spellings: percentage, per cent, pct, pct.
      Matcher pw = PERCENT_WORD.matcher(s);
      if (pw.matches()) {
        percent = true;
        s = pw.group(1);
      }
    }
    s = s.strip();
    // a trailing \text{...} after a quantity is a unit
    if (s.indexOf('\\') >= 0 && s.endsWith("}")) {
      Matcher m = TRAILING_TEXT.matcher(s);
      if (m.matches() && hasDigit(m.group(1)) && isUnitText(m.group(2))) {
        s = m.group(1).strip();
      }
    }
    if (s.indexOf('\\') >= 0) {
      if (s.contains("\\text")
          || s.contains("\\math")
          || s.contains("\\mbox")
          || s.contains("\\bold")
          || s.contains("\\operatorname")) {
        String prev;
        do {
          prev = s;
          s =
              TEXT_GROUP
                  .matcher(s)
                  .replaceAll(mr -> Matcher.quoteReplacement(" " + mr.group(1) + " "));
        } while (!s.equals(prev));
      }
      s =
          s.replace("\\mathbb{R}", "(-\\infty,\\infty)")
              .replace("\\mathbb R", "(-\\infty,\\infty)")
              .replace("\\emptyset", "\\{\\}")
              .replace("\\varnothing", "\\{\\}")
              .replace("\\lt", "<")
              .replace("\\gt", ">")
              .replace("\\leftarrow", "")
              .replace("\\approx", "≈")
              .replace("\\cup", "∪")
              .replace("\\pm", "±")
              .replace("\\mp", "∓")
              .replace("\\infinity", "\\infty")
              .replace("\\langle", "(")
              .replace("\\rangle", ")");
      if (s.contains("\\le")) {
        s = LE.matcher(s).replaceAll("≤");
      }
      if (s.contains("\\ge")) {
        s = GE.matcher(s).replaceAll("≥");
      }
      if (s.contains("\\ne")) {
        s = NE.matcher(s).replaceAll("≠");
      }
      if (s.contains("\\in")) {
        s = IN.matcher(s).replaceAll("∈");
      }
    }
    s =
        s.replace("⩽", "≤")
            .replace("≦", "≤")
            .replace("⩾", "≥")
            .replace("≧", "≥")
            .replace("<=", "≤")
            .replace(">=", "≥")
            .replace("!=", "≠")
            .replace("=<", "≤")
            .replace("=>", "≥")
            .replace("∞", "\\infty");
    while (s.endsWith(".")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    s = s.strip();
    if (s.startsWith(":")) {
      s = s.substring(1).strip();
    }
    if (s.indexOf(' ') >= 0) {
      s = SPACES.matcher(s).replaceAll(" ");
      s = stripUnitWords(s);
    }
    if (s.length() > 2 && Character.isLetter(s.charAt(s.length() - 1))) {
      Matcher g = GLUED_UNIT.matcher(s);
      if (g.matches()) {
        s = g.group(1);
      }
    }
    if (s.startsWith("≈")) {
      s = s.substring(1).strip();
    }
    if (s.contains("\\overline") || s.contains("\\bar") || s.contains("\\dot")) {
      Matcher m = REPEATING.matcher(s);
      if (m.find()) {
        StringBuilder rep =
            new StringBuilder(m.group(1).isEmpty() ? "0" : m.group(1))
                .append('.')
                .append(m.group(2));
        while (rep.length() < 24) {
          rep.append(m.group(3));
        }
        s = s.substring(0, m.start()) + rep + s.substring(m.end());
      }
    }
    if (!s.isEmpty() && Character.isLetter(s.charAt(0))) {
      String key = s.toLowerCase(Locale.ROOT).replace(" ", "");
      if (key.equals("allrealnumbers") || key.equals("allreals") || key.equals("realnumbers")) {
        s = "(-\\infty,\\infty)";
      }
      String n = NumberWords.parse(s);
      if (n != null) {
        s = n;
      }
    }
    if (rowBreaks) {
      s = s.replace("\u0001", "\\\\");
    }
    return new Normalized(s, percent, degree);
  }

  /**
   * Undoes a common JSON slip: {@code "\tfrac"} or {@code "\frac"} written with one backslash is
   * read as a tab or form feed followed by letters. A control character directly followed by a
   * letter is turned back into the command.
   */
  static String repairControlEscapes(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String cmd = null;
      if (i + 1 < s.length() && Character.isLetter(s.charAt(i + 1))) {
        cmd =
            c == '\t'
                ? "\\t"
                : c == '\f'
                    ? "\\f"
                    : c == '\b' ? "\\b" : c == '\r' ? "\\r" : c == 0x0B ? "\\v" : null;
      }
      if (cmd != null && sb == null) {
        sb = new StringBuilder(s.length() + 8).append(s, 0, i);
      }
      if (sb != null) {
        if (cmd != null) {
          sb.append(cmd);
        } else {
          sb.append(c);
        }
      }
    }
    return sb == null ? s : sb.toString();
  }

  /**
   * The boxed answer of a text: the content of its last {@code \boxed{}} (or {@code \fbox{}}), or,
   * when the text ends with several boxes separated only by commas, semicolons, spacing, dollars
   * and the words "and" / "or" ({@code \boxed{1}, \boxed{2}}, {@code \boxed{-2} \quad \text{and}
   * \quad \boxed{1}}), their contents as one list {@code 1, 2}. The text itself when it has no box.
   */
  static String boxedAnswer(String s) {
    String last = StepFormat.extractBoxed(s).orElse(null);
    if (last == null) {
      return s.strip();
    }
    if (s.indexOf("\\boxed") == s.lastIndexOf("\\boxed") && !s.contains("\\fbox")) {
      return last;
    }
    List<int[]> boxes = topLevelBoxes(s);
    int n = boxes.size();
    if (n < 2) {
      return last;
    }
    int first = n - 1;
    while (first > 0
        && BOX_SEPARATOR
            .matcher(s.substring(boxes.get(first - 1)[2] + 1, boxes.get(first)[0]))
            .matches()) {
      first--;
    }
    if (first == n - 1) {
      return last;
    }
    StringBuilder sb = new StringBuilder();
    for (int k = first; k < n; k++) {
      int[] b = boxes.get(k);
      String content = s.substring(b[1] + 1, b[2]).strip();
      if (content.contains("\\boxed") || content.contains("\\fbox")) {
        content = StepFormat.extractBoxed(content).orElse(content);
      }
      if (content.isEmpty()) {
        return last;
      }
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(content);
    }
    return sb.toString();
  }

  /**
   * The boxes not inside another box: {start of the command, its opening brace, its closing one}.
   */
  private static List<int[]> topLevelBoxes(String s) {
    List<int[]> out = new ArrayList<>();
    int i = 0;
    while (true) {
      int b = s.indexOf("\\boxed", i);
      int f = s.indexOf("\\fbox", i);
      int at = b < 0 ? f : f < 0 ? b : Math.min(b, f);
      if (at < 0) {
        return out;
      }
      int open = at + (at == b ? 6 : 5);
      while (open < s.length() && s.charAt(open) == ' ') {
        open++;
      }
      if (open >= s.length() || s.charAt(open) != '{') {
        return List.of(); // a box without braces: only the last box is read
      }
      int depth = 0;
      int close = -1;
      for (int j = open; j < s.length(); j++) {
        char c = s.charAt(j);
        if (c == '\\' && j + 1 < s.length()) {
          j++;
        } else if (c == '{') {
          depth++;
        } else if (c == '}' && --depth == 0) {
          close = j;
          break;
        }
      }
      if (close < 0) {
        return List.of();
      }
      out.add(new int[] {at, open, close});
      i = close + 1;
    }
  }

  /**
   * {@code {,}} between digits: a thousands separator before exactly three digits ({@code
   * 10{,}000}), else a decimal comma ({@code 2{,}75} is 2.75); elsewhere dropped.
   */
  private static String braceCommas(String s) {
    Matcher m = BRACE_COMMA.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String sep = m.group(2).length() == 3 ? "" : ".";
      m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + sep + m.group(2)));
    }
    m.appendTail(sb);
    return sb.toString().replace("{,}", "");
  }

  /**
   * {@code \dfrac}, {@code \tfrac}, {@code \cfrac}, {@code \sfrac}, {@code \nicefrac}: {@code
   * \frac}.
   */
  private static String unifyFractions(String s) {
    StringBuilder sb = null;
    int copied = 0;
    for (int at = s.indexOf("frac"); at >= 0; at = s.indexOf("frac", at + 4)) {
      int cmd =
          at >= 2 && s.charAt(at - 2) == '\\'
              ? at - 1
              : at >= 5 && s.startsWith("\\nice", at - 5) ? at - 4 : -1;
      if (cmd < 0) {
        continue;
      }
      char c = s.charAt(cmd);
      if (cmd == at - 1 && c != 'd' && c != 't' && c != 'c' && c != 's') {
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder(s.length());
      }
      sb.append(s, copied, cmd);
      copied = at;
    }
    return sb == null ? s : sb.append(s, copied, s.length()).toString();
  }

  /** Whether {@code lower} ends as a percent word may: t, e, a dot or a closing brace. */
  private static boolean endsLikePercentWord(String lower) {
    if (lower.isEmpty()) {
      return false;
    }
    char c = lower.charAt(lower.length() - 1);
    return c == 't' || c == 'e' || c == '.' || c == '}' || c == ' ';
  }

  /** The text after the last "answer is" / "answer:" of a sentence, else the text itself. */
  private static String afterAnswerIs(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    int at = Math.max(lower.lastIndexOf("answer is"), lower.lastIndexOf("answer:"));
    if (at < 0) {
      return s;
    }
    String rest = s.substring(at + (lower.startsWith("answer is", at) ? 9 : 7)).strip();
    if (rest.startsWith(":")) {
      rest = rest.substring(1).strip();
    }
    if (rest.endsWith("I hope it is correct.")) {
      rest = rest.substring(0, rest.length() - "I hope it is correct.".length()).strip();
    }
    return rest.isEmpty() ? s : rest;
  }

  /** Drops up to four trailing unit words ("5 square units", "60 miles per hour"). */
  private static String stripUnitWords(String s) {
    int end = s.length();
    int words = 0;
    while (words < 4) {
      int sp = s.lastIndexOf(' ', end - 1);
      if (sp <= 0) {
        break;
      }
      String w = s.substring(sp + 1, end).toLowerCase(Locale.ROOT);
      int caret = w.indexOf('^');
      if (caret == 0
          && (w.equals("^2") || w.equals("^3") || w.equals("^{2}") || w.equals("^{3}"))) {
        end = sp;
        continue;
      }
      if (caret > 0) {
        String pow = w.substring(caret + 1).replace("{", "").replace("}", "");
        if (!pow.equals("2") && !pow.equals("3")) {
          break;
        }
        w = w.substring(0, caret);
      }
      if (w.endsWith(".")) {
        w = w.substring(0, w.length() - 1);
      }
      if (!UNIT_VOCAB.contains(w)) {
        break;
      }
      end = sp;
      words++;
    }
    if (words == 0) {
      return s;
    }
    String prefix = s.substring(0, end).strip();
    if (prefix.isEmpty() || !hasDigit(prefix)) {
      return s;
    }
    char last = prefix.charAt(prefix.length() - 1);
    if (!(Character.isLetterOrDigit(last) || last == '}' || last == ')')) {
      return s;
    }
    return prefix;
  }

  /** Digits, operators and brackets only: nothing to normalise. */
  private static boolean isPlain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9'
          || c == '.'
          || c == ','
          || c == '-'
          || c == '+'
          || c == '*'
          || c == '/'
          || c == '('
          || c == ')'
          || c == '['
          || c == ']'
          || c == '^')) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasDigit(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isDigit(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** Text after a quantity that names a unit (words, with an optional power), not a connective. */
  private static boolean isUnitText(String t) {
    String w = t.strip().toLowerCase(Locale.ROOT);
    if (w.isEmpty()) {
      return true;
    }
    if (w.equals("or") || w.equals("and") || w.startsWith("or ") || w.startsWith("and ")) {
      return false;
    }
    for (int i = 0; i < w.length(); i++) {
      char c = w.charAt(i);
      if (!(Character.isLetter(c)
          || c == ' '
          || c == '.'
          || c == '^'
          || c == '2'
          || c == '3'
          || c == '-'
          || c == '/')) {
        return false;
      }
    }
    return true;
  }
}
