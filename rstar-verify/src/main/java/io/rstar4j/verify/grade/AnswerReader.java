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
  private static final Pattern MATRIX =
      Pattern.compile(
          "^\\\\begin\\{([pbvBV]?matrix|array)\\}(?:\\{[^}]*\\})?(.*)\\\\end\\{\\1\\}$",
          Pattern.DOTALL);

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
        return new Answer.Either(number, new Answer.Several(items, true));
      }
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
      return new Answer.Several(items, false);
    }
    Answer rel = relation(s);
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

  /** Splits at top-level commas, semicolons and the words "or" / "and". */
  static List<String> splitTop(String s, boolean words) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (isOpen(c)) {
        depth++;
      } else if (isClose(c)) {
        depth--;
      } else if (depth == 0) {
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

  private static Answer relation(String s) {
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
            return new Answer.Assign(names, read(r, false));
          }
          return equation(l, r, s);
        case '≈':
          return names != null ? new Answer.Assign(names, read(r, false)) : read(l, false);
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
      if (op1 == '=' && op2 == '=' && names(a) != null) {
        // x = y = 3: read as the last value
        return new Answer.Assign(names(a), read(b, false));
      }
    }
    return new Answer.Text(textKey(s), s);
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

  private static Answer equation(String l, String r, String s) {
    Expr le = ExprParser.tryParse(l);
    Expr re = ExprParser.tryParse(r);
    if (le == null || re == null) {
      return new Answer.Text(textKey(s), s);
    }
    return new Answer.Equation(le, re);
  }

  /** The names assigned by a left-hand side: {@code x}, {@code a_1}, {@code (p, q)}; else null. */
  static List<String> names(String l) {
    l = l.strip();
    if (NAME.matcher(l).matches()) {
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
