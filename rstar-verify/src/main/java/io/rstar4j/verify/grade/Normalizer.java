package io.rstar4j.verify.grade;

import io.rstar4j.core.StepFormat;
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
      s = StepFormat.extractBoxed(s).orElse(s);
    } else if (s.length() > 12 && s.contains("nswer")) {
      s = afterAnswerIs(s);
    }
    s = s.replace('\n', ' ').replace('\t', ' ');
    if (s.indexOf('$') >= 0) {
      s = s.replace("\\$", "").replace("$", "");
    }
    boolean rowBreaks = s.contains("\\\\");
    if (rowBreaks) {
      s = s.replace("\\\\", "\u0001");
    }
    if (s.contains("{,}")) {
      s = s.replace("{,}", "");
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
              .replace("\\displaystyle", "")
              .replace("\\dfrac", "\\frac")
              .replace("\\tfrac", "\\frac")
              .replace("\\dbinom", "\\binom")
              .replace("\\tbinom", "\\binom")
              .replace("{,}", "");
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
