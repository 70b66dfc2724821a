package io.rstar4j.verify.grade;

import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser for the expressions found in final answers, written in LaTeX ({@code
 * 3\sqrt{2}}, {@code \frac{x+1}{2}}, {@code \sin^2 x}) or in Python/sympy syntax ({@code
 * sqrt(2)/2}, {@code x**2}). Implicit multiplication is supported. Multi-letter words that are not
 * known function names are rejected so that text answers stay text.
 */
final class ExprParser {

  /** Thrown when the input is not an expression this parser understands. Stackless. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failure(String message) {
      super(message, null, false, false);
    }
  }

  private static final Set<String> GREEK =
      Set.of(
          "alpha",
          "beta",
          "gamma",
          "delta",
          "epsilon",
          "varepsilon",
          "zeta",
          "eta",
          "theta",
          "vartheta",
          "iota",
          "kappa",
          "lambda",
          "mu",
          "nu",
          "xi",
          "rho",
          "sigma",
          "tau",
          "upsilon",
          "phi",
          "varphi",
          "chi",
          "psi",
          "omega",
          "Gamma",
          "Delta",
          "Theta",
          "Lambda",
          "Xi",
          "Sigma",
          "Phi",
          "Psi",
          "Omega");
  private static final Set<String> LATEX_FUNCS =
      Set.of(
          "sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "sinh", "cosh",
          "tanh", "log", "ln", "exp", "lg");
  private static final Set<String> PLAIN_FUNCS =
      Set.of(
          "sqrt",
          "sin",
          "cos",
          "tan",
          "sec",
          "csc",
          "cot",
          "asin",
          "acos",
          "atan",
          "arcsin",
          "arccos",
          "arctan",
          "sinh",
          "cosh",
          "tanh",
          "log",
          "ln",
          "exp",
          "abs",
          "Abs",
          "floor",
          "ceil",
          "ceiling",
          "factorial",
          "binomial");

  private final String s;
  private final boolean letterProducts;
  private int pos;
  private int absDepth;

  private ExprParser(String s) {
    this.s = s;
    this.letterProducts = !isPureWords(s);
  }

  /** Parses the whole string or throws {@link Failure}. */
  static Expr parse(String s) {
    ExprParser p = new ExprParser(s);
    Expr e = p.expr();
    p.ws();
    if (p.pos != s.length()) {
      throw new Failure("unexpected '" + s.charAt(p.pos) + "' at " + p.pos);
    }
    return e;
  }

  /** Parses the whole string, or returns null. */
  static Expr tryParse(String s) {
    if (s.isEmpty()) {
      return null;
    }
    try {
      return parse(s);
    } catch (Failure | NumberFormatException | StackOverflowError e) {
      return null;
    }
  }

  private static boolean isPureWords(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.isLetter(c) || c == ' ')) {
        return false;
      }
    }
    return true;
  }

  private void ws() {
    while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
  }

  private boolean at(String t) {
    return s.startsWith(t, pos);
  }

  private char peek() {
    return pos < s.length() ? s.charAt(pos) : '\0';
  }

  private boolean atCommand(String name) {
    if (!s.startsWith(name, pos + 1) || peek() != '\\') {
      return false;
    }
    int end = pos + 1 + name.length();
    return end >= s.length() || !Character.isLetter(s.charAt(end));
  }

  private String peekCommand() {
    if (peek() != '\\') {
      return "";
    }
    int i = pos + 1;
    while (i < s.length() && Character.isLetter(s.charAt(i))) {
      i++;
    }
    return s.substring(pos + 1, i);
  }

  private void expect(char c) {
    ws();
    if (peek() != c) {
      throw new Failure("expected '" + c + "' at " + pos);
    }
    pos++;
  }

  Expr expr() {
    Expr t = term();
    while (true) {
      ws();
      char c = peek();
      if (c == '+') {
        pos++;
        t = new Expr.Bin('+', t, term());
      } else if (c == '-') {
        pos++;
        t = new Expr.Bin('-', t, term());
      } else {
        return t;
      }
    }
  }

  private Expr term() {
    Expr f = unary();
    while (true) {
      ws();
      char c = peek();
      if (c == '*' && !at("**")) {
        pos++;
        f = new Expr.Bin('*', f, unary());
      } else if (c == '/') {
        pos++;
        f = new Expr.Bin('/', f, unary());
      } else if (atCommand("cdot") || atCommand("times")) {
        pos += peekCommand().length() + 1;
        f = new Expr.Bin('*', f, unary());
      } else if (atCommand("div")) {
        pos += 4;
        f = new Expr.Bin('/', f, unary());
      } else if (startsPrimary()) {
        f = new Expr.Bin('*', f, power());
      } else {
        return f;
      }
    }
  }

  private Expr unary() {
    ws();
    char c = peek();
    if (c == '-') {
      pos++;
      return new Expr.Neg(unary());
    }
    if (c == '+') {
      pos++;
      return unary();
    }
    return power();
  }

  private Expr power() {
    Expr b = postfix();
    ws();
    if (peek() == '^') {
      pos++;
      return new Expr.Bin('^', b, powArg());
    }
    if (at("**")) {
      pos += 2;
      return new Expr.Bin('^', b, unary());
    }
    return b;
  }

  private Expr powArg() {
    ws();
    char c = peek();
    if (c == '{') {
      pos++;
      Expr e = expr();
      expect('}');
      return e;
    }
    if (c == '-') {
      pos++;
      return new Expr.Neg(powArg());
    }
    if (Character.isDigit(c)) {
      int start = pos;
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        pos++;
      }
      String t = s.substring(start, pos);
      return new Expr.Num(Double.parseDouble(t), t);
    }
    if (Character.isLetter(c)) {
      pos++;
      return letter(c);
    }
    return primary();
  }

  private Expr postfix() {
    Expr p = primary();
    while (peek() == '!' && !at("!=")) {
      pos++;
      p = new Expr.Func("factorial", List.of(p));
    }
    return p;
  }

  /**
   * Whether an implicit product can continue here. A number cannot: "1 000" or "x 2" is not a
   * product.
   */
  private boolean startsPrimary() {
    char c = peek();
    if (c == '(' || c == '{') {
      return true;
    }
    if (Character.isLetter(c) && c < 128) {
      return true;
    }
    if (c == '\\') {
      String cmd = peekCommand();
      return cmd.equals("frac")
          || cmd.equals("sqrt")
          || cmd.equals("pi")
          || cmd.equals("infty")
          || cmd.equals("binom")
          || cmd.equals("lfloor")
          || cmd.equals("lceil")
          || GREEK.contains(cmd)
          || LATEX_FUNCS.contains(cmd);
    }
    return c == 'π' || c == '√';
  }

  private Expr primary() {
    ws();
    if (pos >= s.length()) {
      throw new Failure("unexpected end");
    }
    char c = peek();
    if (Character.isDigit(c) || c == '.') {
      return number();
    }
    if (c == '(' || c == '[') {
      pos++;
      Expr e = expr();
      expect(c == '(' ? ')' : ']');
      return e;
    }
    if (c == '{') {
      pos++;
      Expr e = expr();
      expect('}');
      return e;
    }
    if (c == '|' && absDepth == 0) {
      pos++;
      absDepth++;
      Expr e = expr();
      absDepth--;
      expect('|');
      return new Expr.Func("Abs", List.of(e));
    }
    if (c == 'π') {
      pos++;
      return new Expr.Const("pi");
    }
    if (c == '√') {
      pos++;
      return new Expr.Func("sqrt", List.of(latexArg()));
    }
    if (c == '\\') {
      return command();
    }
    if (Character.isLetter(c) && c < 128) {
      return word();
    }
    throw new Failure("unexpected '" + c + "' at " + pos);
  }

  private Expr number() {
    int start = pos;
    while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
      pos++;
    }
    if (peek() == '.' && pos + 1 < s.length() && Character.isDigit(s.charAt(pos + 1))) {
      pos++;
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        pos++;
      }
    } else if (peek() == '.' && pos > start) {
      pos++; // "3." as written by Python for floats
    }
    if (pos == start || (pos == start + 1 && s.charAt(start) == '.')) {
      throw new Failure("bad number at " + start);
    }
    // scientific notation as printed by Python: 1e-05, 2.5E+10
    if ((peek() == 'e' || peek() == 'E') && pos + 1 < s.length()) {
      int q = pos + 1;
      if (s.charAt(q) == '+' || s.charAt(q) == '-') {
        q++;
      }
      if (q < s.length() && Character.isDigit(s.charAt(q))) {
        pos = q;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
          pos++;
        }
      }
    }
    String t = s.substring(start, pos);
    if (t.endsWith(".")) {
      t = t.substring(0, t.length() - 1);
    }
    Expr n = new Expr.Num(Double.parseDouble(t), t);
    // mixed number: 2\frac{1}{2} means 2 + 1/2 when both parts are plain integers
    if (atCommand("frac") && t.indexOf('.') < 0) {
      int save = pos;
      pos += 5;
      Expr a = latexArg();
      Expr b = latexArg();
      if (a instanceof Expr.Num && b instanceof Expr.Num) {
        return new Expr.Bin('+', n, new Expr.Bin('/', a, b));
      }
      pos = save;
    }
    if (t.indexOf('.') < 0 && peek() == ' ') {
      Expr mixed = spacedMixedNumber(n);
      if (mixed != null) {
        return mixed;
      }
    }
    return n;
  }

  /**
   * A mixed number written with a space: {@code 2 \frac{1}{2}} or {@code 4 4/9}, the whole part
   * {@code whole} already read, followed by a proper fraction of two integers (0 < p < q). Null,
   * with the position unchanged, otherwise ({@code 1 000}, {@code 2 \frac{3}{2}}).
   */
  private Expr spacedMixedNumber(Expr whole) {
    int save = pos;
    ws();
    Expr p = null;
    Expr q = null;
    try {
      if (atCommand("frac")) {
        pos += 5;
        p = latexArg();
        q = latexArg();
      } else if (Character.isDigit(peek())) {
        p = integer();
        if (peek() == '/') {
          pos++;
          q = Character.isDigit(peek()) ? integer() : null;
          char next = peek();
          if (Character.isDigit(next) || next == '.' || next == '^' || next == '!' || next == '{') {
            q = null;
          }
        }
      }
    } catch (Failure e) {
      q = null;
    }
    if (p instanceof Expr.Num pn
        && q instanceof Expr.Num qn
        && pn.text().indexOf('.') < 0
        && qn.text().indexOf('.') < 0
        && pn.value() > 0
        && pn.value() < qn.value()) {
      return new Expr.Bin('+', whole, new Expr.Bin('/', p, q));
    }
    pos = save;
    return null;
  }

  private Expr integer() {
    int start = pos;
    while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
      pos++;
    }
    String t = s.substring(start, pos);
    return new Expr.Num(Double.parseDouble(t), t);
  }

  /** A LaTeX macro argument: a braced group or a single character or command. */
  private Expr latexArg() {
    ws();
    char c = peek();
    if (c == '{') {
      pos++;
      Expr e = expr();
      expect('}');
      return e;
    }
    if (Character.isDigit(c)) {
      pos++;
      return new Expr.Num(c - '0', String.valueOf(c));
    }
    if (Character.isLetter(c) && c < 128) {
      pos++;
      return letter(c);
    }
    if (c == '\\') {
      return command();
    }
    throw new Failure("bad argument at " + pos);
  }

  private Expr command() {
    String cmd = peekCommand();
    if (cmd.isEmpty()) {
      throw new Failure("bad command at " + pos);
    }
    pos += cmd.length() + 1;
    switch (cmd) {
      case "frac":
        {
          Expr a = latexArg();
          Expr b = latexArg();
          return new Expr.Bin('/', a, b);
        }
      case "binom":
        {
          Expr a = latexArg();
          Expr b = latexArg();
          return new Expr.Func("binomial", List.of(a, b));
        }
      case "sqrt":
        {
          ws();
          if (peek() == '[') {
            pos++;
            Expr n = expr();
            expect(']');
            return new Expr.Func("root", List.of(latexArg(), n));
          }
          return new Expr.Func("sqrt", List.of(latexArg()));
        }
      case "pi":
        return new Expr.Const("pi");
      case "infty":
        return new Expr.Const("oo");
      case "lfloor":
        {
          Expr e = expr();
          ws();
          if (!atCommand("rfloor")) {
            throw new Failure("expected \\rfloor");
          }
          pos += 7;
          return new Expr.Func("floor", List.of(e));
        }
      case "lceil":
        {
          Expr e = expr();
          ws();
          if (!atCommand("rceil")) {
            throw new Failure("expected \\rceil");
          }
          pos += 6;
          return new Expr.Func("ceiling", List.of(e));
        }
      default:
        break;
    }
    if (GREEK.contains(cmd)) {
      return subscripted("\\" + cmd);
    }
    if (LATEX_FUNCS.contains(cmd)) {
      return function(canonicalFunction(cmd), false);
    }
    throw new Failure("unknown command \\" + cmd);
  }

  private static String canonicalFunction(String name) {
    switch (name) {
      case "arcsin":
        return "asin";
      case "arccos":
        return "acos";
      case "arctan":
        return "atan";
      case "ln":
        return "log";
      case "abs":
        return "Abs";
      case "ceil":
        return "ceiling";
      default:
        return name;
    }
  }

  private Expr function(String name, boolean needParen) {
    ws();
    Expr exponent = null;
    Expr base = null;
    if (peek() == '^') {
      pos++;
      exponent = powArg();
      if (exponent instanceof Expr.Neg n && n.e() instanceof Expr.Num num && num.value() == 1) {
        exponent = null;
        name =
            name.equals("sin")
                ? "asin"
                : name.equals("cos") ? "acos" : name.equals("tan") ? "atan" : name;
      }
      ws();
    }
    if (peek() == '_' && name.equals("log")) {
      pos++;
      base = latexArg();
      ws();
    }
    Expr arg;
    if (peek() == '(') {
      pos++;
      arg = expr();
      ws();
      if (peek() == ',' && name.equals("log")) {
        pos++;
        base = expr();
      } else if (peek() == ',' && name.equals("binomial")) {
        pos++;
        Expr k = expr();
        expect(')');
        return new Expr.Func("binomial", List.of(arg, k));
      }
      expect(')');
    } else if (needParen) {
      throw new Failure("function " + name + " needs parentheses");
    } else if (peek() == '{') {
      pos++;
      arg = expr();
      expect('}');
    } else {
      arg = power();
      while (true) {
        ws();
        if (peek() != '(' && startsPrimary() && !atCommandFunction()) {
          arg = new Expr.Bin('*', arg, power());
        } else {
          break;
        }
      }
    }
    Expr f =
        base == null ? new Expr.Func(name, List.of(arg)) : new Expr.Func("log", List.of(arg, base));
    return exponent == null ? f : new Expr.Bin('^', f, exponent);
  }

  private boolean atCommandFunction() {
    return LATEX_FUNCS.contains(peekCommand());
  }

  private Expr word() {
    int start = pos;
    while (pos < s.length() && Character.isLetter(s.charAt(pos)) && s.charAt(pos) < 128) {
      pos++;
    }
    String w = s.substring(start, pos);
    if (w.length() == 1) {
      pos = start + 1;
      return letter(w.charAt(0));
    }
    switch (w) {
      case "pi":
        return new Expr.Const("pi");
      case "oo":
      case "inf":
      case "infinity":
      case "infty":
        return new Expr.Const("oo");
      case "I":
        return new Expr.Const("i");
      case "E":
        return new Expr.Const("e");
      default:
        break;
    }
    if (PLAIN_FUNCS.contains(w)) {
      return function(canonicalFunction(w), true);
    }
    if (letterProducts && w.length() <= 3) {
      // xy means x*y in LaTeX: take one letter and let implicit multiplication do the rest
      pos = start + 1;
      return letter(w.charAt(0));
    }
    throw new Failure("unknown word " + w);
  }

  private Expr letter(char c) {
    if (c == 'e') {
      return new Expr.Const("e");
    }
    if (c == 'i') {
      return new Expr.Const("i");
    }
    return subscripted(String.valueOf(c));
  }

  private Expr subscripted(String name) {
    if (peek() == '_') {
      pos++;
      ws();
      if (peek() == '{') {
        int close = s.indexOf('}', pos);
        if (close < 0) {
          throw new Failure("unclosed subscript");
        }
        String sub = s.substring(pos + 1, close).replace(" ", "");
        pos = close + 1;
        return new Expr.Var(name + "_" + sub);
      }
      if (pos < s.length() && Character.isLetterOrDigit(peek())) {
        return new Expr.Var(name + "_" + s.charAt(pos++));
      }
      throw new Failure("bad subscript");
    }
    return new Expr.Var(name);
  }
}
