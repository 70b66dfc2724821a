package io.rstar4j.verify;

import java.util.Set;

/**
 * Cheap looks at a program's source text that the runner ({@code rstar_exec.py}) would otherwise
 * take in the guest: exact ports of its {@code _ends_with_statement} and {@code
 * _may_touch_shared_state}, run here on HotSpot-compiled code instead of GraalPy's interpreter
 * (together about a fifth of a plain step's cost there). Both keep the runner's conservative
 * direction: a {@code false} from {@link #endsWithStatement} only sends the program down the exact
 * (AST) path, and a {@code true} from {@link #mayTouchSharedState} only asks for the full integrity
 * check. A property test holds them equal to the Python originals.
 */
final class ProgramText {
  private static final Set<String> SIMPLE_KEYWORDS =
      Set.of(
          "import",
          "from",
          "def",
          "class",
          "return",
          "pass",
          "break",
          "continue",
          "raise",
          "del",
          "assert",
          "global",
          "nonlocal");
  private static final Set<String> COMPOUND_KEYWORDS =
      Set.of(
          "if", "elif", "else", "for", "while", "with", "try", "except", "finally", "def", "class",
          "async");
  private static final String TARGET_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_., []";
  private static final String AUGMENT_CHARS = "+-*/%&|^@";
  private static final String[] TRIGGERS = {
    "sys",
    "__",
    "setattr",
    "delattr",
    "vars(",
    "globals",
    "locals",
    "exec",
    "eval",
    "compile",
    "getattr",
    "del ",
    "builtins",
    "importlib",
    "gc",
    "reload",
    "context"
  };

  private ProgramText() {}

  /** Python's {@code str.isspace} for one UTF-16 unit (every Python space is in the BMP). */
  static boolean isPySpace(char c) {
    if (c <= ' ') {
      return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
    }
    if (c == 0x85) {
      return true;
    }
    if (c < 0xa0) {
      return false;
    }
    int t = Character.getType(c);
    return t == Character.SPACE_SEPARATOR
        || t == Character.LINE_SEPARATOR
        || t == Character.PARAGRAPH_SEPARATOR;
  }

  static String strip(String s) {
    return rstrip(lstrip(s));
  }

  static String lstrip(String s) {
    int i = 0;
    while (i < s.length() && isPySpace(s.charAt(i))) {
      i++;
    }
    return s.substring(i);
  }

  static String rstrip(String s) {
    int j = s.length();
    while (j > 0 && isPySpace(s.charAt(j - 1))) {
      j--;
    }
    return s.substring(0, j);
  }

  /** Python's {@code s.split(sep)} with a one-character separator. */
  private static String[] split(String s, char sep) {
    int n = count(s, sep);
    String[] out = new String[n + 1];
    int from = 0;
    for (int k = 0; k < n; k++) {
      int i = s.indexOf(sep, from);
      out[k] = s.substring(from, i);
      from = i + 1;
    }
    out[n] = s.substring(from);
    return out;
  }

  private static String beforeChar(String s, char c) {
    int i = s.indexOf(c);
    return i < 0 ? s : s.substring(0, i);
  }

  private static int count(String s, char c) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        n++;
      }
    }
    return n;
  }

  static int bracketBalance(String text) {
    int b = 0;
    for (int i = 0; i < text.length(); i++) {
      switch (text.charAt(i)) {
        case '(', '[', '{' -> b++;
        case ')', ']', '}' -> b--;
        default -> {}
      }
    }
    return b;
  }

  static String stripComments(String text) {
    if (text.indexOf('#') < 0) {
      return text;
    }
    String[] lines = split(text, '\n');
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        sb.append('\n');
      }
      sb.append(beforeChar(lines[i], '#'));
    }
    return sb.toString();
  }

  static String firstWord(String text) {
    String w = "";
    String s = lstrip(text);
    if (!s.isEmpty()) {
      int j = 0;
      while (j < s.length() && !isPySpace(s.charAt(j))) {
        j++;
      }
      w = s.substring(0, j);
    }
    return beforeChar(beforeChar(w, ':'), '(');
  }

  static boolean isAssignment(String body) {
    int i = body.indexOf('=');
    if (i <= 0
        || (i + 1 < body.length() && body.charAt(i + 1) == '=')
        || "=<>!".indexOf(body.charAt(i - 1)) >= 0) {
      return false;
    }
    String target = body.substring(0, i);
    if (AUGMENT_CHARS.indexOf(target.charAt(target.length() - 1)) >= 0) {
      target = target.substring(0, target.length() - 1);
      if (!target.isEmpty()) {
        char last = target.charAt(target.length() - 1);
        if ((last == '*' || last == '/') && last == body.charAt(i - 2)) {
          target = target.substring(0, target.length() - 1); // ** and //
        }
      }
    }
    target = rstrip(target);
    if (target.isEmpty()) {
      return false;
    }
    char c0 = target.charAt(0);
    if (!(Character.isLetter(c0) || c0 == '_')) {
      return false;
    }
    for (int k = 0; k < target.length(); k++) {
      if (TARGET_CHARS.indexOf(target.charAt(k)) < 0) {
        return false;
      }
    }
    return true;
  }

  private static String joinLines(String[] lines, int end) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < end; i++) {
      if (i > 0) {
        sb.append('\n');
      }
      sb.append(lines[i]);
    }
    return sb.toString();
  }

  /**
   * True only when the last top-level statement is certainly not an expression with a value (the
   * runner's {@code _ends_with_statement}).
   */
  static boolean endsWithStatement(String code) {
    if (code.contains("\"\"\"") || code.contains("'''") || code.contains("\\\n")) {
      return false;
    }
    String[] lines = split(code, '\n');
    int last = -1;
    for (int i = lines.length - 1; i >= 0; i--) {
      String t = strip(lines[i]);
      if (!t.isEmpty() && !t.startsWith("#")) {
        last = i;
        break;
      }
    }
    if (last < 0) {
      return true;
    }
    String line = lines[last];
    if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
      int top = -1;
      for (int i = last - 1; i >= 0; i--) {
        String t = lines[i];
        if (!t.isEmpty() && " \t#".indexOf(t.charAt(0)) < 0 && !strip(t).isEmpty()) {
          top = i;
          break;
        }
      }
      if (top < 0) {
        return false;
      }
      String head = rstrip(beforeChar(lines[top], '#'));
      String before = stripComments(joinLines(lines, top));
      return COMPOUND_KEYWORDS.contains(firstWord(head))
          && head.endsWith(":")
          && head.indexOf(';') < 0
          && bracketBalance(head) == 0
          && bracketBalance(before) == 0
          && count(before, '"') % 2 == 0
          && count(before, '\'') % 2 == 0;
    }
    String body = rstrip(beforeChar(line, '#'));
    String before = stripComments(joinLines(lines, last));
    if (bracketBalance(before) != 0
        || bracketBalance(body) != 0
        || body.endsWith(",")
        || body.indexOf(';') >= 0
        || count(before, '"') % 2 != 0
        || count(before, '\'') % 2 != 0) {
      return false;
    }
    return SIMPLE_KEYWORDS.contains(firstWord(body))
        || body.startsWith("print(")
        || isAssignment(body);
  }

  /**
   * False only when the source text cannot change module state: no introspection words and no
   * assignment to an attribute (the runner's {@code _may_touch_shared_state}).
   */
  static boolean mayTouchSharedState(String code) {
    for (String t : TRIGGERS) {
      if (code.contains(t)) {
        return true;
      }
    }
    for (String line : split(code, '\n')) {
      if (line.indexOf('.') < 0) {
        continue;
      }
      int i = line.indexOf('=');
      while (i > 0) {
        boolean notEq = !(i + 1 < line.length() && line.charAt(i + 1) == '=');
        if (notEq && "=!<>".indexOf(line.charAt(i - 1)) < 0 && line.lastIndexOf('.', i - 1) >= 0) {
          return true;
        }
        i = line.indexOf('=', i + 2);
      }
      String l = lstrip(line);
      if (l.startsWith("for ") || l.startsWith("with ") || l.startsWith("async ")) {
        return true;
      }
    }
    return false;
  }
}
