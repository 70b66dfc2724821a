package io.rstar4j.verify.grade;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a normalised answer into an {@link Answer}. */
final class AnswerReader {

  private static final Pattern CHOICE =
      Pattern.compile("^\\(?\\s*([A-E])\\s*\\)?(?:[.:)]|\\s[^,;]*)?$", Pattern.DOTALL);
  private static final Pattern NAME =
      Pattern.compile(
          "^(?:[a-zA-Z]|\\\\[a-zA-Z]+)(?:_\\{?[a-zA-Z0-9]+\\}?)?'*(?:\\^\\{?-1\\}?)?(?:\\([^()=]*\\))?$");
  private static final Pattern THOUSANDS = Pattern.compile("^-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?$");
  private static final Pattern ONE_COMMA = Pattern.compile("^(-?)(\\d+),(\\d+)$");
  private static final Pattern MATRIX =
      Pattern.compile(
          "^\\\\begin\\{([pbvBV]?matrix|smallmatrix|array)\\}(?:\\{[^}]*\\})?(.*)\\\\end\\{\\1\\}$",
          Pattern.DOTALL);

  /**
   * A label that names a quantity rather than an expression in variables: segment and polygon names
   * ({@code MN}, {@code ABC}), {@code |AB|}, {@code \overline{AB}}, {@code \angle ABC}, {@code
   * m\angle A}, the area {@code [ABC]}, each with an optional subscript.
   */
  private static final Pattern LABEL =
      Pattern.compile(
          "^(?:[A-Z]{2,4}|\\|[A-Z]{1,4}\\||\\[[A-Z]{3,4}\\]|\\\\overline\\s*\\{[A-Z]{1,4}\\}"
              + "|(?:m\\s*)?\\\\angle\\s*[A-Z]{1,3})(?:_\\{?[a-zA-Z0-9]+\\}?)?$");

  private static final Pattern FRACTION_OF_NAMES =
      Pattern.compile("^\\\\frac\\{([^{}]+)\\}\\{([^{}]+)\\}$");

  private AnswerReader() {}

  /** Normalises and reads a raw answer. */
  static Answer read(String raw) {
    Normalizer.Normalized n = Normalizer.normalize(raw);
    return read(n.text(), n.percent(), n.degree());
  }

  static Answer read(String s, boolean percent) {
    return read(s, percent, false);
  }

  static Answer read(String s, boolean percent, boolean degree) {
    s = s.strip();
    if (s.isEmpty()) {
      return new Answer.Text("", "");
    }
    char first = s.charAt(0);
    Matcher cm = first == '(' || first >= 'A' && first <= 'E' ? CHOICE.matcher(s) : null;
    if (cm != null
        && cm.matches()
        && (s.length() == 1
            || s.charAt(0) == '('
            || s.charAt(1) == ')'
            || s.charAt(1) == '.'
            || s.charAt(1) == ':')) {
      return new Answer.Choice(cm.group(1).charAt(0));
    }
    if (s.indexOf(',') > 0) {
      Answer dc = decimalComma(s, percent, degree);
      if (dc != null) {
        return dc;
      }
    }
    if (s.indexOf(',') > 0 && THOUSANDS.matcher(s).matches()) {
      String digits = s.replace(",", "");
      Expr n = ExprParser.tryParse(digits);
      if (n != null) {
        Answer number = new Answer.Scalar(n, digits, percent, degree);
        String[] groups = s.split(",");
        List<Answer> items = new ArrayList<>();
        for (int i = 0; i < groups.length; i++) {
          if (i > 0 && groups[i].startsWith("0")) {
            return number; // 4,000 cannot be the list 4, 0
          }
          items.add(read(groups[i], false));
        }
        // 70,110 may also be the solutions 70 and 110
        return new Answer.Either(
            number, new Answer.Several(items, true), "thousands-separator", "list");
      }
    }
    Answer groups = labelledGroups(s);
    if (groups != null) {
      return groups;
    }
    // a list of answers: 1, 2 / x = 1 or x = 2 / a; b
    List<String> parts = splitTop(s, true);
    if (parts.size() > 1) {
      List<Answer> items = new ArrayList<>(parts.size());
      for (String p : parts) {
        items.add(read(p, false));
      }
      return new Answer.Several(items, true);
    }
    List<String> union = splitOn(s, '∪');
    if (union.size() > 1) {
      List<Answer> items = new ArrayList<>(union.size());
      boolean finiteSets = true;
      for (String p : union) {
        Answer a = read(p, false);
        items.add(a);
        finiteSets &= a instanceof Answer.Several sv && !sv.bare();
      }
      if (finiteSets) {
        // {1, 2} ∪ {3} is the set {1, 2, 3}
        List<Answer> flat = new ArrayList<>();
        for (Answer a : items) {
          for (Answer x : ((Answer.Several) a).items()) {
            if (!flat.contains(x)) {
              flat.add(x);
            }
          }
        }
        return new Answer.Several(flat, false);
      }
      return new Answer.Several(items, false, true);
    }
    Answer rel = relation(s, percent, degree);
    if (rel != null) {
      return rel;
    }
    if (s.indexOf('∪') < 0) {
      Answer br = bracketed(s);
      if (br != null) {
        return br;
      }
    }
    if (s.startsWith("\\begin")) {
      Answer m = matrix(s);
      if (m != null) {
        return m;
      }
    }
    int pm = topIndexOf(s, '±', '∓');
    if (pm < 0) {
      pm = Math.max(s.indexOf('±'), s.indexOf('∓'));
    }
    if (pm >= 0) {
      char c = s.charAt(pm);
      String plus = s.substring(0, pm) + (c == '±' ? "+" : "-") + s.substring(pm + 1);
      String minus = s.substring(0, pm) + (c == '±' ? "-" : "+") + s.substring(pm + 1);
      return new Answer.Several(
          List.of(read(plus, percent, degree), read(minus, percent, degree)), false);
    }
    Expr e = ExprParser.tryParse(s);
    if (e != null) {
      return new Answer.Scalar(e, s, percent, degree);
    }
    return new Answer.Text(textKey(s), s);
  }

  /**
   * One comma between two runs of digits that cannot be a thousands separator, as in {@code 2,75},
   * {@code 1000,99} or {@code 0,111}: the number with a decimal comma, or the list of the two
   * numbers. A comma can be a thousands separator when 1-3 digits without a leading zero come
   * before it and exactly 3 after ({@code 1,000}, {@code 12,345}): such numbers are read as before.
   * Null when {@code s} is not such a number.
   */
  private static Answer decimalComma(String s, boolean percent, boolean degree) {
    if (!oneCommaNumber(s)) {
      return null;
    }
    Matcher m = ONE_COMMA.matcher(s);
    if (!m.matches()) {
      return null;
    }
    String whole = m.group(2);
    String frac = m.group(3);
    boolean thousands = whole.length() <= 3 && whole.charAt(0) != '0' && frac.length() == 3;
    if (thousands || frac.chars().allMatch(c -> c == '0')) {
      return null;
    }
    String text = m.group(1) + whole + "." + frac;
    Expr n = ExprParser.tryParse(text);
    if (n == null) {
      return null;
    }
    Answer list =
        new Answer.Several(List.of(read(m.group(1) + whole, false), read(frac, false)), true);
    return new Answer.Either(
        new Answer.Scalar(n, text, percent, degree), list, "decimal-comma", "list");
  }

  /** {@code -?digits,digits}: a cheap test before {@link #ONE_COMMA}. */
  private static boolean oneCommaNumber(String s) {
    int n = s.length();
    int i = n > 0 && s.charAt(0) == '-' ? 1 : 0;
    int commas = 0;
    boolean digitBefore = false;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c == ',') {
        if (!digitBefore || ++commas > 1) {
          return false;
        }
        digitBefore = false;
      } else if (c >= '0' && c <= '9') {
        digitBefore = true;
      } else {
        return false;
      }
    }
    return commas == 1 && digitBefore;
  }

  /**
   * Several groups of labelled values separated by semicolons or the words "or" / "and", each group
   * two or more single assignments with different names: {@code a=1,b=4; a=2,b=3} is the list of
   * the groups, and each group matches a tuple of its values in the written order. Null when {@code
   * s} is not written so.
   */
  private static Answer labelledGroups(String s) {
    if (s.indexOf('=') < 0 || s.indexOf(',') < 0) {
      return null;
    }
    boolean semicolons = topIndexOf(s, ';', ';') >= 0;
    List<String> groups = semicolons ? splitOn(s, ';') : splitWords(s);
    if (groups.size() < 2) {
      return null;
    }
    List<Answer> out = new ArrayList<>(groups.size());
    for (String g : groups) {
      List<String> parts = splitTop(g, semicolons);
      if (parts.size() < 2) {
        return null;
      }
      List<Answer> items = new ArrayList<>(parts.size());
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (String p : parts) {
        Answer a = read(p, false);
        if (!(a instanceof Answer.Assign as)
            || as.names().size() != 1
            || !seen.add(as.names().get(0))) {
          return null;
        }
        items.add(a);
      }
      out.add(new Answer.Several(items, true));
    }
    return new Answer.Several(out, true);
  }

  /** Splits at the top-level words "or" and "and" only (not at commas). */
  private static List<String> splitWords(String s) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (isOpen(c)) {
        depth++;
      } else if (isClose(c)) {
        depth--;
      } else if (depth == 0 && c == ' ') {
        int w = wordAt(s, i + 1);
        if (w > 0) {
          addPart(out, s.substring(start, i));
          start = i + 1 + w;
          i = start - 1;
        }
      }
    }
    addPart(out, s.substring(start));
    return out;
  }

  /** The comparison key of a text answer: lower case, no spaces, braces or quotes. */
  static String textKey(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ' ' || c == '{' || c == '}' || c == '"' || c == '\'') {
        continue;
      }
      sb.append(c);
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }

  private static boolean isOpen(char c) {
    return c == '(' || c == '[' || c == '{';
  }

  private static boolean isClose(char c) {
    return c == ')' || c == ']' || c == '}';
  }

  /**
   * Splits at top-level commas, semicolons and the words "or" / "and" (not inside brackets or a
   * {@code \begin...\end} environment).
   */
  static List<String> splitTop(String s, boolean words) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int env = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        if (s.startsWith("\\begin{", i)) {
          env++;
        } else if (s.startsWith("\\end{", i)) {
          env--;
        }
      } else if (isOpen(c)) {
        depth++;
      } else if (isClose(c)) {
        depth--;
      } else if (depth == 0 && env == 0) {
        if (c == ',' || c == ';') {
          addPart(out, s.substring(start, i));
          start = i + 1;
        } else if (words && c == ' ') {
          int w = wordAt(s, i + 1);
          if (w > 0) {
            addPart(out, s.substring(start, i));
            start = i + 1 + w;
            i = start - 1;
          }
        } else if (words && c == 'o' && glued(s, i)) {
          // (11,7)or(7,11): "or" between brackets without spaces
          addPart(out, s.substring(start, i));
          start = i + 2;
          i = start - 1;
        }
      }
    }
    if (out.isEmpty()) {
      out.add(s);
      return out;
    }
    addPart(out, s.substring(start));
    return out;
  }

  /** Whether an "or" at {@code i} stands between a closing and an opening bracket. */
  private static boolean glued(String s, int i) {
    return i > 0
        && i + 2 < s.length()
        && s.charAt(i + 1) == 'r'
        && isClose(s.charAt(i - 1))
        && (isOpen(s.charAt(i + 2)) || s.charAt(i + 2) == ' ');
  }

  private static int wordAt(String s, int i) {
    if (s.startsWith("or ", i)) {
      return 3;
    }
    if (s.startsWith("and ", i)) {
      return 4;
    }
    return 0;
  }

  private static void addPart(List<String> out, String p) {
    p = p.strip();
    if (!p.isEmpty()) {
      out.add(p);
    }
  }

  private static List<String> splitOn(String s, char sep) {
    if (s.indexOf(sep) < 0) {
      return List.of(s);
    }
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (isOpen(c)) {
        depth++;
      } else if (isClose(c)) {
        depth--;
      } else if (depth == 0 && c == sep) {
        addPart(out, s.substring(start, i));
        start = i + 1;
      }
    }
    addPart(out, s.substring(start));
    return out;
  }

  private static int topIndexOf(String s, char a, char b) {
    int depth = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (isOpen(c)) {
        depth++;
      } else if (isClose(c)) {
        depth--;
      } else if (depth == 0 && (c == a || c == b)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isRelationChar(char c) {
    return c == '=' || c == '<' || c == '>' || c == '≤' || c == '≥' || c == '≠' || c == '≈'
        || c == '∈';
  }

  /**
   * An equation, inequality, chain or membership; null when {@code s} has no relation symbol at the
   * top level. A percent or degree sign of the whole answer belongs to the value assigned ({@code x
   * = 50\%} is x = 0.5).
   */
  private static Answer relation(String s, boolean percent, boolean degree) {
    List<Integer> at = new ArrayList<>(2);
    int depth = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (isOpen(c)) {
        depth++;
      } else if (isClose(c)) {
        depth--;
      } else if (depth == 0 && isRelationChar(c)) {
        at.add(i);
      }
    }
    if (at.isEmpty()) {
      return null;
    }
    if (at.size() >= 2) {
      Answer chain = chain(s, at, percent, degree);
      if (chain != null) {
        return chain;
      }
    }
    if (at.size() == 1) {
      int i = at.get(0);
      char op = s.charAt(i);
      String l = s.substring(0, i).strip();
      String r = s.substring(i + 1).strip();
      if (l.isEmpty() || r.isEmpty()) {
        return new Answer.Text(textKey(s), s);
      }
      List<String> names = names(l);
      switch (op) {
        case '=':
          if (names != null && !mentions(r, names)) {
            return new Answer.Assign(names, read(r, percent, degree));
          }
          {
            Expr le = ExprParser.tryParse(l);
            Expr re = le == null ? null : ExprParser.tryParse(r);
            if (re == null) {
              return new Answer.Text(textKey(s), s);
            }
            if (Expr.numeric(le) && Expr.numeric(re)) {
              // a computation shown: 3 \cdot 4 = 12 is read as its value
              return read(r, percent, degree);
            }
            return new Answer.Equation(le, re);
          }
        case '≈':
          // a variable's approximate value (x \approx 2.5), else the exact value written first
          return names != null && NAME.matcher(l).matches()
              ? new Answer.Assign(names, read(r, false))
              : read(l, false);
        case '∈':
          return names != null
              ? new Answer.Assign(names, read(r, false))
              : new Answer.Text(textKey(s), s);
        default:
          {
            Expr le = ExprParser.tryParse(l);
            Expr re = ExprParser.tryParse(r);
            if (le == null || re == null) {
              return new Answer.Text(textKey(s), s);
            }
            return new Answer.Relation(le, op, re);
          }
      }
    }
    if (at.size() == 2) {
      int i = at.get(0);
      int j = at.get(1);
      char op1 = s.charAt(i);
      char op2 = s.charAt(j);
      String a = s.substring(0, i).strip();
      String x = s.substring(i + 1, j).strip();
      String b = s.substring(j + 1).strip();
      boolean up = (op1 == '<' || op1 == '≤') && (op2 == '<' || op2 == '≤');
      boolean down = (op1 == '>' || op1 == '≥') && (op2 == '>' || op2 == '≥');
      Expr ae = ExprParser.tryParse(a);
      Expr be = ExprParser.tryParse(b);
      if ((up || down) && names(x) != null && ae != null && be != null) {
        Answer.Interval iv =
            up
                ? new Answer.Interval(ae, op1 == '≤', be, op2 == '≤')
                : new Answer.Interval(be, op2 == '≥', ae, op1 == '≥');
        return new Answer.Intervals(List.of(iv));
      }
      if ((up || down) && ae != null && be != null && Expr.numeric(ae) && Expr.numeric(be)) {
        // 1 \le |x| \le 2: two intervals
        Expr xe = ExprParser.tryParse(x);
        if (xe instanceof Expr.Func f && f.name().equals("Abs") && f.args().size() == 1) {
          List<Answer.Interval> iv =
              up
                  ? Equivalence.absoluteBetween(f.args().get(0), ae, op1 == '≤', be, op2 == '≤')
                  : Equivalence.absoluteBetween(f.args().get(0), be, op2 == '≥', ae, op1 == '≥');
          if (iv != null) {
            return new Answer.Intervals(iv, true);
          }
        }
      }
    }
    return new Answer.Text(textKey(s), s);
  }

  /**
   * A chain of equalities {@code t = 3 \cdot 4 = 12}, read by its last exact value: the last part
   * before the first {@code \approx} ({@code x = 1/3 \approx 0.33} is 1/3). The first part must be
   * a name or label (the value is assigned to it) or a number (a computation shown); the middle
   * parts may be anything. Null when {@code s} is not such a chain.
   */
  private static Answer chain(String s, List<Integer> at, boolean percent, boolean degree) {
    int exact = 0;
    for (int k = 0; k < at.size(); k++) {
      char op = s.charAt(at.get(k));
      if (op == '=') {
        if (exact != k) {
          return null; // an equals sign after an approximation
        }
        exact++;
      } else if (op != '≈') {
        return null;
      }
    }
    if (exact == 0) {
      return null;
    }
    List<String> parts = new ArrayList<>(at.size() + 1);
    int start = 0;
    for (int i : at) {
      parts.add(s.substring(start, i).strip());
      start = i + 1;
    }
    parts.add(s.substring(start).strip());
    List<String> names = names(parts.get(0));
    if (names == null) {
      Expr first = ExprParser.tryParse(parts.get(0));
      if (first == null || !Expr.numeric(first)) {
        return null;
      }
    }
    for (int k = 1; k <= exact; k++) {
      if (parts.get(k).isEmpty()) {
        return null;
      }
    }
    // a percent or degree sign belongs to the last value unless an approximation follows it
    boolean last = exact == at.size();
    Answer value = read(parts.get(exact), last && percent, last && degree);
    return names != null ? new Answer.Assign(names, value) : value;
  }

  private static boolean mentions(String r, List<String> names) {
    if (names.size() != 1 || names.get(0).indexOf('(') >= 0) {
      return false;
    }
    Expr e = ExprParser.tryParse(r);
    if (e == null) {
      return false;
    }
    java.util.Set<String> vars = new java.util.HashSet<>();
    e.vars(vars);
    return vars.contains(names.get(0));
  }

  /** The names assigned by a left-hand side: {@code x}, {@code a_1}, {@code (p, q)}; else null. */
  static List<String> names(String l) {
    l = l.strip();
    if (NAME.matcher(l).matches() || isLabel(l)) {
      return List.of(l.replace(" ", ""));
    }
    if (l.length() > 2 && l.charAt(0) == '(' && l.charAt(l.length() - 1) == ')') {
      String[] parts = l.substring(1, l.length() - 1).split(",");
      List<String> out = new ArrayList<>();
      for (String p : parts) {
        String t = p.strip();
        if (!NAME.matcher(t).matches()) {
          return null;
        }
        out.add(t);
      }
      return out.size() > 1 ? out : null;
    }
    return null;
  }

  /**
   * A label that names a quantity ({@link #LABEL}), a ratio of names or labels ({@code S_1:S_2},
   * {@code A:B}) or a fraction of them ({@code \frac{NO}{BO}}).
   */
  private static boolean isLabel(String l) {
    if (l.isEmpty() || l.length() > 40) {
      return false;
    }
    if (LABEL.matcher(l).matches()) {
      return true;
    }
    int colon = l.indexOf(':');
    if (colon > 0 && l.indexOf(':', colon + 1) < 0) {
      return simpleName(l.substring(0, colon).strip())
          && simpleName(l.substring(colon + 1).strip());
    }
    Matcher f = FRACTION_OF_NAMES.matcher(l);
    return f.matches() && simpleName(f.group(1).strip()) && simpleName(f.group(2).strip());
  }

  private static boolean simpleName(String n) {
    return NAME.matcher(n).matches() && n.indexOf('(') < 0 || LABEL.matcher(n).matches();
  }

  /** Index of the bracket that closes the one opening at {@code from}, or -1. */
  private static int matching(String s, int from) {
    int depth = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (isOpen(c)) {
        depth++;
      } else if (isClose(c)) {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  private static Answer bracketed(String s) {
    int n = s.length();
    if (s.startsWith("\\{") && s.endsWith("\\}") && matching(s, 1) == n - 1) {
      String inner = s.substring(2, n - 2).strip();
      if (inner.endsWith("\\")) {
        inner = inner.substring(0, inner.length() - 1);
      }
      List<Answer> items = new ArrayList<>();
      if (!inner.isEmpty()) {
        for (String p : splitTop(inner, false)) {
          items.add(read(p, false));
        }
      }
      return new Answer.Several(items, false);
    }
    char open = s.charAt(0);
    char close = s.charAt(n - 1);
    if ((open == '(' || open == '[') && (close == ')' || close == ']') && matching(s, 0) == n - 1) {
      String inner = s.substring(1, n - 1);
      List<String> parts = splitTop(inner, false);
      if (parts.size() == 1) {
        if (open == '(' && close == ')' || open == '[' && close == ']') {
          return read(inner, false);
        }
        return null;
      }
      List<Answer> items = new ArrayList<>(parts.size());
      for (String p : parts) {
        items.add(read(p, false));
      }
      return new Answer.Tuple(items, open, close);
    }
    if (open == '{' && close == '}' && matching(s, 0) == n - 1) {
      return read(s.substring(1, n - 1), false);
    }
    return null;
  }

  private static Answer matrix(String s) {
    Matcher m = MATRIX.matcher(s);
    if (!m.matches()) {
      return null;
    }
    List<List<Answer>> rows = new ArrayList<>();
    for (String row : m.group(2).split("\\\\\\\\")) {
      if (row.isBlank()) {
        continue;
      }
      List<Answer> cells = new ArrayList<>();
      for (String cell : row.split("&")) {
        cells.add(read(cell.strip(), false));
      }
      rows.add(cells);
    }
    return rows.isEmpty() ? null : new Answer.Matrix(rows);
  }
}
