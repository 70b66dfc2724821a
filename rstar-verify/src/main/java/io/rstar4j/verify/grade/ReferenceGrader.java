package io.rstar4j.verify.grade;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference implementation's grading rules, reimplemented: {@code strip_string} applied to both
 * answers, then {@code math_equal} (exact text, multiple choice, numbers with the percent
 * allowance, bracket stripping, lists and matrices element-wise, equations, then symbolic
 * equality). The reference's symbolic step (sympy) is approximated in Java (evaluation, and the
 * reference's {@code |lhs - rhs|} rule for relations) and handed to the symbolic back end when one
 * is configured. The reference's false positives are kept on purpose.
 */
final class ReferenceGrader {

  private static final String[] UNIT_TEXTS = {
    "east",
    "degree",
    "mph",
    "kmph",
    "ft",
    "m sqaure",
    " m east",
    "sq m",
    "deg",
    "mile",
    "q .",
    "monkey",
    "prime",
    "ratio",
    "profit of rs",
    "rd",
    "o",
    "gm",
    "p . m",
    "lb",
    "tile",
    "per",
    "dm",
    "lt",
    "gain",
    "ab",
    "way",
    "west",
    "a .",
    "b .",
    "c .",
    "d .",
    "e .",
    "f .",
    "g .",
    "h .",
    "t",
    "a",
    "h",
    "no change",
    "men",
    "soldier",
    "pie",
    "bc",
    "excess",
    "st",
    "inches",
    "noon",
    "percent",
    "by",
    "gal",
    "kmh",
    "c",
    "acre",
    "rise",
    "a . m",
    "th",
    "π r 2",
    "sq",
    "mark",
    "l",
    "toy",
    "coin",
    "sq . m",
    "gallon",
    "° f",
    "profit",
    "minw",
    "yr",
    "women",
    "feet",
    "am",
    "pm",
    "hr",
    "cu cm",
    "square",
    "v â € ™",
    "are",
    "rupee",
    "rounds",
    "cubic",
    "cc",
    "mtr",
    "s",
    "ohm",
    "number",
    "kmph",
    "day",
    "hour",
    "minute",
    "min",
    "second",
    "man",
    "woman",
    "sec",
    "cube",
    "mt",
    "sq inch",
    "mp",
    "∏ cm ³",
    "hectare",
    "more",
    "sec",
    "unit",
    "cu . m",
    "cm 2",
    "rs .",
    "rs",
    "kg",
    "g",
    "month",
    "km",
    "m",
    "cm",
    "mm",
    "apple",
    "liter",
    "loss",
    "yard",
    "pure",
    "year",
    "increase",
    "decrease",
    "d",
    "less",
    "Surface",
    "litre",
    "pi sq m",
    "s .",
    "metre",
    "meter",
    "inch"
  };
  private static final Pattern[] UNIT_PATTERNS;

  /** For each unit pattern, a literal its matches must contain (a cheap pre-check). */
  private static final String[] UNIT_LITERALS;

  static {
    List<String> all = new ArrayList<>(List.of(UNIT_TEXTS));
    for (String t : UNIT_TEXTS) {
      all.add(t + "s");
    }
    UNIT_PATTERNS = new Pattern[all.size()];
    UNIT_LITERALS = new String[all.size()];
    for (int i = 0; i < all.size(); i++) {
      String t = all.get(i);
      int dot = t.indexOf('.');
      UNIT_LITERALS[i] = dot < 0 ? t : t.substring(0, dot);
      UNIT_PATTERNS[i] =
          Pattern.compile("(^|\\W)" + all.get(i) + "($|\\W)", Pattern.UNICODE_CHARACTER_CLASS);
    }
  }

  private static final Pattern ARRAY_BEGIN = Pattern.compile("\\\\begin\\{array\\}\\{.*?\\}");
  private static final Pattern TRAILING_TEXT = Pattern.compile("\\\\text\\{.*?\\}$");
  private static final Pattern TEXT = Pattern.compile("\\\\text\\{(.*?)\\}");
  private static final Pattern MBOX = Pattern.compile("\\\\mbox\\{.*?\\}");
  private static final Pattern ZEROS_MID = Pattern.compile("(\\d+)\\.0*([^\\d])");
  private static final Pattern ZEROS_END = Pattern.compile("(\\d+)\\.0*$");
  private static final Pattern SQRT =
      Pattern.compile("\\\\sqrt(\\w+)", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern PY_FLOAT =
      Pattern.compile(
          "^\\s*[+-]?(?:(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?|inf|infinity|nan)\\s*$",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern CHOICE_LETTER = Pattern.compile("\\b(A|B|C|D|E)\\b");
  private static final Pattern LIST_FORMAT =
      Pattern.compile("^(\\(|\\[).+(\\)|\\])", Pattern.DOTALL);
  private static final Pattern PMATRIX_ITEMS = Pattern.compile("\\{.*,.*\\}");
  private static final Pattern SIMPLE_WORD = Pattern.compile("[a-z]+");

  private ReferenceGrader() {}

  /** {@code math_equal(strip_string(prediction), strip_string(reference))}. */
  static boolean equal(
      String prediction, String reference, double relTol, SymbolicBackend backend) {
    return equal(prediction, reference, relTol, backend, null);
  }

  /**
   * {@link #equal(String, String, double, SymbolicBackend)}, noting in {@code why[0]} (when {@code
   * why} is not null) the step of {@code math_equal} that decided.
   */
  static boolean equal(
      String prediction, String reference, double relTol, SymbolicBackend backend, String[] why) {
    String p = stripString(extract(prediction));
    String r = stripString(extract(reference));
    return mathEqual(p, r, relTol, backend, 0, why);
  }

  /**
   * How the reference reads an answer, for explanations: the kind of comparison {@code math_equal}
   * gives it and the text after {@code strip_string}.
   */
  static Explanation.Reading reading(String answer) {
    String s = stripString(extract(answer));
    String kind;
    if (parseDigits(s) != null) {
      kind = "number";
    } else if (s.length() == 1 && "ABCDE".contains(s)) {
      kind = "choice";
    } else if (isMatrixFormat(s)) {
      kind = "matrix";
    } else if (LIST_FORMAT.matcher(s).find()) {
      kind = "list";
    } else if (count(s, '=') == 1) {
      kind = "equation";
    } else {
      kind = "expression";
    }
    return new Explanation.Reading(kind, s);
  }

  private static boolean why(String[] why, String step, boolean verdict) {
    if (why != null) {
      why[0] = step;
    }
    return verdict;
  }

  private static String extract(String s) {
    return s.contains("boxed") ? MathGrader.extractAnswer(s) : s;
  }

  // ------------------------------------------------------------------ strip_string

  static String stripString(String string) {
    String s = string.strip();
    s = s.replace("\n", "");
    s = rstrip(s, ".");
    s = s.replace("\\!", "");
    s = ARRAY_BEGIN.matcher(s).replaceAll(Matcher.quoteReplacement("\\begin{pmatrix}"));
    s = s.replace("\\end{array}", "\\end{pmatrix}");
    s = s.replace("bmatrix", "pmatrix");
    s = s.replace("tfrac", "frac").replace("dfrac", "frac");
    s = s.replace("\\neq", "\\ne").replace("\\leq", "\\le").replace("\\geq", "\\ge");
    s = s.replace("\\left", "").replace("\\right", "");
    s = s.replace("\\{", "{").replace("\\}", "}");
    String t = TRAILING_TEXT.matcher(s).replaceAll("").strip();
    if (!t.isEmpty() && !t.equals(s)) {
      s = t;
    }
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < UNIT_PATTERNS.length; i++) {
        if (!s.contains(UNIT_LITERALS[i])) {
          continue;
        }
        String u = UNIT_PATTERNS[i].matcher(s).replaceAll("$1$2");
        if (!u.isEmpty()) {
          s = u;
        }
      }
    }
    s = s.replace("^{\\circ}", "").replace("^\\circ", "");
    s = s.replace("\\$", "").replace("$", "");
    s = s.replace("\\(", "").replace("\\)", "");
    s = convertWordNumber(s);
    s = TEXT.matcher(s).replaceAll("$1");
    for (String key :
        new String[] {"x=", "y=", "z=", "x\\in", "y\\in", "z\\in", "x\\to", "y\\to", "z\\to"}) {
      s = s.replace(key, "");
    }
    s = s.replace("\\emptyset", "{}");
    s = s.replace("(-\\infty,\\infty)", "\\mathbb{R}");
    s = s.replace("\\%", "").replace("%", "");
    s = s.replace(" .", " 0.").replace("{.", "{0.");
    s = s.replace("infinity", "\\infty");
    if (!s.contains("\\infty")) {
      s = s.replace("inf", "\\infty");
    }
    s = s.replace("+\\inity", "\\infty");
    s = s.replace("and", "");
    s = s.replace("\\mathbf", "");
    s = MBOX.matcher(s).replaceAll("");
    if (s.contains("j") && !s.contains("i")) {
      s = s.replace("j", "i");
    }
    s = ZEROS_MID.matcher(s).replaceAll("$1$2");
    s = ZEROS_END.matcher(s).replaceAll("$1");
    if (s.isEmpty()) {
      return s;
    }
    if (s.charAt(0) == '.') {
      s = "0" + s;
    }
    String[] eq = s.split("=", -1);
    if (eq.length == 2 && eq[0].length() <= 2) {
      s = eq[1];
    }
    s = SQRT.matcher(s).replaceAll(Matcher.quoteReplacement("\\sqrt{") + "$1}");
    s = s.replace(" ", "");
    s = fixFracs(s);
    s = fixSlash(s);
    return s;
  }

  private static String rstrip(String s, String chars) {
    int end = s.length();
    while (end > 0 && chars.indexOf(s.charAt(end - 1)) >= 0) {
      end--;
    }
    return s.substring(0, end);
  }

  private static String strip(String s, String chars) {
    int start = 0;
    int end = s.length();
    while (start < end && chars.indexOf(s.charAt(start)) >= 0) {
      start++;
    }
    while (end > start && chars.indexOf(s.charAt(end - 1)) >= 0) {
      end--;
    }
    return s.substring(start, end);
  }

  /** word2number's {@code word_to_num} as the reference calls it: any number words in the text. */
  private static String convertWordNumber(String text) {
    StringBuilder words = new StringBuilder();
    for (String w : text.split("\\s+")) {
      String lw = w.toLowerCase(Locale.ROOT);
      if (SIMPLE_WORD.matcher(lw).matches() && NumberWords.parse(lw) != null) {
        words.append(lw).append(' ');
      } else if (lw.equals("hundred")
          || lw.equals("thousand")
          || lw.equals("million")
          || lw.equals("billion")) {
        words.append(lw).append(' ');
      }
    }
    if (words.length() == 0) {
      return text;
    }
    String n = NumberWords.parse(words.toString());
    return n == null ? text : n;
  }

  private static String fixFracs(String string) {
    String[] substrs = string.split("\\\\frac", -1);
    StringBuilder out = new StringBuilder(substrs[0]);
    for (int i = 1; i < substrs.length; i++) {
      String sub = substrs[i];
      out.append("\\frac");
      if (!sub.isEmpty() && sub.charAt(0) == '{') {
        out.append(sub);
      } else {
        if (sub.length() < 2) {
          return string;
        }
        char a = sub.charAt(0);
        char b = sub.charAt(1);
        if (b != '{') {
          out.append('{').append(a).append("}{").append(b).append('}').append(sub.substring(2));
        } else {
          out.append('{').append(a).append('}').append(b).append(sub.substring(2));
        }
      }
    }
    return out.toString();
  }

  private static String fixSlash(String s) {
    String[] parts = s.split("/", -1);
    if (parts.length != 2) {
      return s;
    }
    String a = parts[0];
    String b = parts[1];
    try {
      String as = a.contains("sqrt") ? a : pyInt(a);
      String bs = b.contains("sqrt") ? b : pyInt(b);
      if (!s.equals(as + "/" + bs)) {
        return s;
      }
      return "\\frac{" + as + "}{" + bs + "}";
    } catch (NumberFormatException e) {
      return s;
    }
  }

  private static String pyInt(String s) {
    return Long.toString(Long.parseLong(s.strip()));
  }

  // ------------------------------------------------------------------ math_equal

  private static Double parseDigits(String num) {
    String n = num.replace(",", "");
    if (PY_FLOAT.matcher(n).matches()) {
      return pyFloat(n);
    }
    if (n.endsWith("%")) {
      n = n.substring(0, n.length() - 1);
      if (n.endsWith("\\")) {
        n = n.substring(0, n.length() - 1);
      }
      if (PY_FLOAT.matcher(n).matches()) {
        return pyFloat(n) / 100;
      }
    }
    return null;
  }

  private static double pyFloat(String n) {
    String t = n.strip().toLowerCase(Locale.ROOT);
    String body = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
    double sign = t.startsWith("-") ? -1 : 1;
    if (body.equals("inf") || body.equals("infinity")) {
      return sign * Double.POSITIVE_INFINITY;
    }
    if (body.equals("nan")) {
      return Double.NaN;
    }
    return Double.parseDouble(t);
  }

  private static boolean isClose(double a, double b, double relTol) {
    if (a == b) {
      return true;
    }
    if (Double.isInfinite(a) || Double.isInfinite(b)) {
      return false;
    }
    return Math.abs(a - b) <= relTol * Math.max(Math.abs(a), Math.abs(b));
  }

  private static String choiceAnswerClean(String pred) {
    String p = strip(pred, "\n");
    p = rstrip(p, ".");
    p = rstrip(p, "/");
    p = strip(p, " ");
    int k = 0;
    while (k < p.length() && p.charAt(k) == ':') {
      k++;
    }
    p = p.substring(k);
    Matcher m = CHOICE_LETTER.matcher(p.toUpperCase(Locale.ROOT));
    String last = null;
    while (m.find()) {
      last = m.group(1);
    }
    if (last != null) {
      p = last;
    } else {
      p = strip(p.strip(), ".");
    }
    return rstrip(rstrip(p, "."), "/");
  }

  static boolean mathEqual(
      String prediction, String reference, double relTol, SymbolicBackend backend, int depth) {
    return mathEqual(prediction, reference, relTol, backend, depth, null);
  }

  private static boolean mathEqual(
      String prediction,
      String reference,
      double relTol,
      SymbolicBackend backend,
      int depth,
      String[] why) {
    if (depth > 8) {
      return why(why, "reference-too-deep", false);
    }
    if (prediction
        .strip()
        .toLowerCase(Locale.ROOT)
        .equals(reference.strip().toLowerCase(Locale.ROOT))) {
      return why(why, "reference-same-text", true);
    }
    if (reference.length() == 1
        && "ABCDE".contains(reference)
        && choiceAnswerClean(prediction).equals(reference)) {
      return why(why, "reference-choice", true);
    }
    Double pd = parseDigits(prediction);
    Double rd = parseDigits(reference);
    if (pd != null && rd != null) {
      for (double item : new double[] {rd / 100, rd, rd * 100}) {
        if (isClose(pd, item, relTol)) {
          return why(why, "reference-numbers", true);
        }
      }
    }
    if (prediction.isEmpty()) {
      return why(why, "reference-empty", false);
    }
    String ref = reference.strip();
    String pred = prediction.strip();
    if (pred.contains("pmatrix") && !ref.contains("pmatrix")) {
      ref = strToPmatrix(ref);
    }
    String predStr = pred;
    String refStr = ref;
    if (hasFormat(predStr, "[", "]") && !hasFormat(refStr, "(", ")")
        || hasFormat(predStr, "(", ")") && !hasFormat(refStr, "[", "]")) {
      predStr = strip(predStr, "[]()");
      refStr = strip(refStr, "[]()");
    }
    predStr = removeBrackets(predStr);
    refStr = removeBrackets(refStr);
    if (predStr.toLowerCase(Locale.ROOT).equals(refStr.toLowerCase(Locale.ROOT))) {
      return why(why, "reference-brackets-removed", true);
    }
    if (LIST_FORMAT.matcher(pred).find() && LIST_FORMAT.matcher(ref).find()) {
      String[] pp = pred.substring(1, pred.length() - 1).split(",", -1);
      String[] rp = ref.substring(1, ref.length() - 1).split(",", -1);
      if (pp.length != rp.length) {
        return why(why, "reference-list", false);
      }
      for (int i = 0; i < pp.length; i++) {
        if (!mathEqual(pp[i], rp[i], relTol, backend, depth + 1)) {
          return why(why, "reference-list", false);
        }
      }
      return why(why, "reference-list", true);
    }
    if (isMatrixFormat(pred) && isMatrixFormat(ref)) {
      return why(why, "reference-matrix", compareMatrices(pred, ref, relTol, backend, depth));
    }
    long pe = count(pred, '=');
    long re = count(ref, '=');
    if (pe == 1 && re == 1) {
      String p = formatEquation(pred);
      String r = formatEquation(ref);
      return why(
          why,
          "reference-equation",
          symbolicEqual(p, r, relTol, backend)
              || symbolicEqual("-(" + p + ")", r, relTol, backend));
    } else if (isSimpleEquation(pred) && re == 0) {
      return why(
          why,
          "reference-simple-equation",
          mathEqual(pred.split("=", -1)[1], ref, relTol, backend, depth + 1));
    } else if (isSimpleEquation(ref) && pe == 0) {
      return why(
          why,
          "reference-simple-equation",
          mathEqual(pred, ref.split("=", -1)[1], relTol, backend, depth + 1));
    }
    return why(why, "reference-symbolic", symbolicEqual(pred, ref, relTol, backend));
  }

  private static long count(String s, char c) {
    return s.chars().filter(x -> x == c).count();
  }

  private static boolean isSimpleEquation(String e) {
    return count(e, '=') == 1 && e.split("=", -1)[0].strip().length() <= 2;
  }

  private static String formatEquation(String e) {
    String[] parts = e.split("=", -1);
    return parts[0].strip() + " - (" + parts[1].strip() + ")";
  }

  private static boolean hasFormat(String s, String start, String end) {
    return s.startsWith(start) && s.endsWith(end);
  }

  private static String removeBrackets(String s) {
    return s.replace("{", "").replace("}", "").replace("(", "").replace(")", "");
  }

  private static String strToPmatrix(String input) {
    Matcher m = PMATRIX_ITEMS.matcher(input.strip());
    List<String> out = new ArrayList<>();
    while (m.find()) {
      String inner = strip(m.group(), "{}");
      out.add("\\begin{pmatrix}" + inner.replace(",", "\\") + "\\end{pmatrix}");
    }
    return String.join(", ", out);
  }

  private static boolean isMatrixFormat(String s) {
    return (s.startsWith("\\begin{pmatrix}") || s.startsWith("\\begin{bmatrix}"))
        && (s.endsWith("\\end{pmatrix}") || s.endsWith("\\end{bmatrix}"));
  }

  private static List<String> matrixLines(String s) {
    String body = s.substring("\\begin{pmatrix}".length(), s.length() - "\\end{pmatrix}".length());
    List<String> lines = new ArrayList<>();
    for (String l : body.split("\\\\\\\\", -1)) {
      if (!l.strip().isEmpty()) {
        lines.add(l.strip());
      }
    }
    return lines;
  }

  private static boolean compareMatrices(
      String pred, String ref, double relTol, SymbolicBackend backend, int depth) {
    List<String> pl = matrixLines(pred);
    List<String> rl = matrixLines(ref);
    if (pl.size() != rl.size()) {
      return false;
    }
    for (int i = 0; i < pl.size(); i++) {
      String[] pp = pl.get(i).split("&", -1);
      String[] rp = rl.get(i).split("&", -1);
      if (pp.length != rp.length) {
        return false;
      }
      for (int j = 0; j < pp.length; j++) {
        if (!mathEqual(pp[j], rp[j], relTol, backend, depth + 1)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The reference's {@code symbolic_equal}, approximated in Java, then the back end. */
  private static boolean symbolicEqual(String a, String b, double relTol, SymbolicBackend backend) {
    String[] ra = splitRelation(a);
    String[] rb = splitRelation(b);
    if (ra != null && rb != null) {
      // the reference compares |lhs - rhs| of two relations, whatever the relation symbols
      Expr fa = ExprParser.tryParse("|" + ra[0] + "-(" + ra[2] + ")|");
      Expr fb = ExprParser.tryParse("|" + rb[0] + "-(" + rb[2] + ")|");
      Expr la = ExprParser.tryParse(ra[0]);
      Expr lb = ExprParser.tryParse(rb[0]);
      Expr xa = ExprParser.tryParse(ra[2]);
      Expr xb = ExprParser.tryParse(rb[2]);
      if (la != null && lb != null && xa != null && xb != null) {
        return sameValue(
                new Expr.Func("Abs", List.of(new Expr.Bin('-', la, xa))),
                new Expr.Func("Abs", List.of(new Expr.Bin('-', lb, xb))),
                relTol)
            || fa != null && fb != null && sameValue(fa, fb, relTol);
      }
    }
    Expr ea = ExprParser.tryParse(a);
    Expr eb = ExprParser.tryParse(b);
    if (ea != null && eb != null && sameValue(ea, eb, relTol)) {
      return true;
    }
    if (backend != null) {
      return backend
          .equivalent(ea != null ? ea.sympy() : a, eb != null ? eb.sympy() : b)
          .orElse(false);
    }
    return false;
  }

  private static String[] splitRelation(String s) {
    String[] ops = {"\\le", "\\ge", "\\ne", "<", ">"};
    for (String op : ops) {
      int i = s.indexOf(op);
      if (i > 0 && s.indexOf(op, i + 1) < 0 && s.indexOf('=') < 0) {
        return new String[] {s.substring(0, i), op, s.substring(i + op.length())};
      }
    }
    return null;
  }

  private static boolean sameValue(Expr a, Expr b, double relTol) {
    TreeSet<String> vars = new TreeSet<>();
    a.vars(vars);
    b.vars(vars);
    if (vars.isEmpty()) {
      Complex x = a.eval(Map.of());
      Complex y = b.eval(Map.of());
      return !x.isNaN() && !y.isNaN() && Complex.close(x, y, relTol, 0);
    }
    double[] samples = {0.7236, 1.3719, 2.2147, -0.6183, -1.8541};
    int valid = 0;
    for (int k = 0; k < samples.length; k++) {
      java.util.HashMap<String, Complex> env = new java.util.HashMap<>();
      int j = 0;
      for (String v : vars) {
        env.put(v, Complex.real(samples[(k + 2 * j) % samples.length] + 0.1371 * j));
        j++;
      }
      Complex x = a.eval(env);
      Complex y = b.eval(env);
      if (!x.isFinite() || !y.isFinite()) {
        continue;
      }
      if (!Complex.close(x, y, 1e-8, 1e-9)) {
        return false;
      }
      valid++;
    }
    return valid >= 3;
  }
}
