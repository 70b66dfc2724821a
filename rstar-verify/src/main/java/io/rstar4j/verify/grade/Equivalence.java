package io.rstar4j.verify.grade;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Compares two {@link Answer}s: numbers with a relative tolerance, expressions by evaluation at
 * sample points (then, when undecided, through the symbolic back end), equations and inequalities
 * up to a scale factor, intervals end by end with their open or closed ends, tuples in order and
 * sets and solution lists in any order. Symmetric: a pair is ordered by {@link Answer#rank()}
 * before it is compared.
 */
final class Equivalence {

  private static final double[] SAMPLES = {0.7236, 1.3719, 2.2147, -0.6183, -1.8541, 3.1173};
  private static final int POINTS = SAMPLES.length;
  private static final double EXPR_REL_TOL = 1e-8;

  /** Relative tolerance between two numbers both written exactly (no decimal point). */
  static final double EXACT_TOL = 1e-9;

  private final double relTol;
  private final boolean toleranceForExact;
  private final SymbolicBackend backend;
  // null on the fast path; set only on the instances that explanations create
  private final Trace trace;

  Equivalence(double relTol, boolean toleranceForExact, SymbolicBackend backend) {
    this(relTol, toleranceForExact, backend, null);
  }

  private Equivalence(
      double relTol, boolean toleranceForExact, SymbolicBackend backend, Trace trace) {
    this.relTol = relTol;
    this.toleranceForExact = toleranceForExact;
    this.backend = backend;
    this.trace = trace;
  }

  /** A copy of this comparison that notes the rules it applies in {@code trace}. */
  Equivalence tracing(Trace trace) {
    return new Equivalence(relTol, toleranceForExact, backend, trace);
  }

  /** Notes {@code rule} as the one that decided the current comparison; returns {@code verdict}. */
  private boolean note(String rule, boolean verdict) {
    if (trace != null) {
      trace.note(rule);
    }
    return verdict;
  }

  /** Written as an approximation: a decimal point or a float exponent. */
  static boolean approximate(String text) {
    if (text.indexOf('.') >= 0) {
      return true;
    }
    for (int i = 1; i + 1 < text.length(); i++) {
      char c = text.charAt(i);
      if ((c == 'e' || c == 'E')
          && Character.isDigit(text.charAt(i - 1))
          && (Character.isDigit(text.charAt(i + 1))
              || text.charAt(i + 1) == '-'
              || text.charAt(i + 1) == '+')) {
        return true;
      }
    }
    return false;
  }

  /** The tolerance for a pair: the relative tolerance when either side is an approximation. */
  private double tolerance(String a, String b) {
    return toleranceForExact || approximate(a) || approximate(b)
        ? relTol
        : Math.min(relTol, EXACT_TOL);
  }

  boolean equal(Answer a, Answer b) {
    if (trace == null) {
      return compare(a, b);
    }
    trace.enter();
    try {
      return compare(a, b);
    } finally {
      trace.exit();
    }
  }

  private boolean compare(Answer a, Answer b) {
    if (a.rank() > b.rank()) {
      Answer t = a;
      a = b;
      b = t;
    }
    if (b instanceof Answer.Either e) {
      if (equal(a, e.first())) {
        return note(e.firstRule(), true);
      }
      return note(e.secondRule(), equal(a, e.second()));
    }
    // an interval written as a chain, a relation, brackets or a union
    boolean relation = a instanceof Answer.Relation || b instanceof Answer.Relation;
    boolean bracketsOrUnion =
        a instanceof Answer.Tuple
            || b instanceof Answer.Tuple
            || a instanceof Answer.Several
            || b instanceof Answer.Several;
    if (a instanceof Answer.Intervals
        || b instanceof Answer.Intervals
        || relation && bracketsOrUnion) {
      List<Answer.Interval> x = intervals(a);
      List<Answer.Interval> y = intervals(b);
      if (x != null && y != null) {
        return note(intervalRule(a, b), sameIntervals(x, y));
      }
    }
    if (a instanceof Answer.Assign || b instanceof Answer.Assign) {
      return assignEqual(a, b);
    }
    if (b instanceof Answer.Several sb) {
      return severalEqual(a, sb);
    }
    if (a instanceof Answer.Choice ca) {
      if (b instanceof Answer.Scalar sb && sb.text().length() == 1 && !sb.text().equals("e")) {
        // a choice written in lower case: b vs (B) (but e is Euler's number)
        return note("choice", Character.toUpperCase(sb.text().charAt(0)) == ca.letter());
      }
      return note("choice", b instanceof Answer.Choice cb && ca.letter() == cb.letter());
    }
    if (a instanceof Answer.Text ta) {
      if (b instanceof Answer.Text tb && ta.text().equals(tb.text())) {
        return note("same-text", true);
      }
      if (b instanceof Answer.Scalar sb && ta.text().equals(AnswerReader.textKey(sb.text()))) {
        return note("same-text", true);
      }
      return note(
          backend == null ? "different-text" : "symbolic", symbolic(ta.source(), textOf(b)));
    }
    if (a instanceof Answer.Scalar sa) {
      if (!(b instanceof Answer.Scalar sb)) {
        return note("different-kinds", false);
      }
      boolean v = scalarEqual(sa, sb);
      return trace == null ? v : note(scalarRule(sa, sb), v);
    }
    if (a instanceof Answer.Equation ea) {
      return note(
          "equation-rearranged",
          b instanceof Answer.Equation eb
              && proportional(diff(ea.lhs(), ea.rhs()), diff(eb.lhs(), eb.rhs()), false));
    }
    if (a instanceof Answer.Relation ra) {
      return note("relation-rearranged", b instanceof Answer.Relation rb && relationEqual(ra, rb));
    }
    if (a instanceof Answer.Tuple ta) {
      if (b instanceof Answer.Tuple tb) {
        return note(
            "tuple-in-order",
            ta.open() == tb.open() && ta.close() == tb.close() && inOrder(ta.items(), tb.items()));
      }
      if (b instanceof Answer.Matrix mb) {
        List<Answer> cells = vector(mb);
        if (cells != null && inOrder(ta.items(), cells)) {
          return note("tuple-vs-vector", true);
        }
        // [[1, 2], [3, 4]] written as nested lists
        if (ta.items().size() != mb.rows().size()) {
          return note("nested-lists-vs-matrix", false);
        }
        for (int i = 0; i < ta.items().size(); i++) {
          if (!(ta.items().get(i) instanceof Answer.Tuple row)
              || !inOrder(row.items(), mb.rows().get(i))) {
            return note("nested-lists-vs-matrix", false);
          }
        }
        return note("nested-lists-vs-matrix", true);
      }
      return note("different-kinds", false);
    }
    if (a instanceof Answer.Matrix ma && b instanceof Answer.Matrix mb) {
      if (ma.rows().size() != mb.rows().size()) {
        return note("matrix-entries", false);
      }
      for (int i = 0; i < ma.rows().size(); i++) {
        if (!inOrder(ma.rows().get(i), mb.rows().get(i))) {
          return note("matrix-entries", false);
        }
      }
      return note("matrix-entries", true);
    }
    return note("different-kinds", false);
  }

  /** The name of the rule that compares {@code a} and {@code b} as sets of real numbers. */
  private static String intervalRule(Answer a, Answer b) {
    if (absolute(a) || absolute(b)) {
      return "absolute-value-vs-intervals";
    }
    boolean ra = a instanceof Answer.Relation || a instanceof Answer.Intervals;
    boolean rb = b instanceof Answer.Relation || b instanceof Answer.Intervals;
    return ra != rb ? "relation-vs-interval" : ra ? "same-relation-set" : "same-intervals";
  }

  private static boolean absolute(Answer a) {
    if (a instanceof Answer.Assign as) {
      return absolute(as.value());
    }
    if (a instanceof Answer.Intervals iv) {
      return iv.fromAbsolute();
    }
    return a instanceof Answer.Relation r
        && (r.lhs() instanceof Expr.Func f && f.name().equals("Abs")
            || r.rhs() instanceof Expr.Func g && g.name().equals("Abs"));
  }

  /** The name of the branch of {@link #scalarEqual} that decides the pair (explanations only). */
  private String scalarRule(Answer.Scalar a, Answer.Scalar b) {
    if (a.text().equals(b.text()) && a.percent() == b.percent()) {
      return "same-text";
    }
    if (!Expr.numeric(a.expr()) || !Expr.numeric(b.expr())) {
      return a.percent() != b.percent() ? "percent-vs-expression" : "expression-sampled";
    }
    if (a.percent() != b.percent()) {
      return "percent";
    }
    if (a.degree() != b.degree()) {
      return "degrees";
    }
    return tolerance(a.text(), b.text()) < relTol ? "number-exact" : "number-tolerance";
  }

  private static String textOf(Answer b) {
    if (b instanceof Answer.Scalar s) {
      return s.expr().sympy();
    }
    if (b instanceof Answer.Text t) {
      return t.source();
    }
    return null;
  }

  private boolean symbolic(String a, String b) {
    if (backend == null
        || a == null
        || b == null
        || a.isEmpty()
        || b.isEmpty()
        || words(a) && words(b)
        || suspicious(a)
        || suspicious(b)) {
      return false;
    }
    return backend.equivalent(a, b).orElse(false);
  }

  /**
   * Text that is Python rather than mathematics: sympy's parser evaluates Python, so such text is
   * never sent to the back end (which should run in a sandbox anyway).
   */
  private static boolean suspicious(String s) {
    return s.contains("__")
        || s.contains("import")
        || s.contains("lambda")
        || s.contains("exec")
        || s.contains("eval")
        || s.contains("open")
        || s.contains("getattr")
        || s.indexOf(';') >= 0
        || s.indexOf('\n') >= 0
        || s.length() > 500;
  }

  /** Only letters and spaces: text that sympy could only read as unrelated symbols. */
  private static boolean words(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!Character.isLetter(c) && c != ' ') {
        return false;
      }
    }
    return true;
  }

  private boolean assignEqual(Answer a, Answer b) {
    if (a instanceof Answer.Assign aa && b instanceof Answer.Assign ab) {
      if (aa.names().equals(ab.names())) {
        return note("same-names", equal(aa.value(), ab.value()));
      }
      if (aa.names().size() == 1
          && ab.names().size() == 1
          && (aa.names().get(0).indexOf('(') > 0 || ab.names().get(0).indexOf('(') > 0)
          && equal(aa.value(), ab.value())) {
        // y = 3x + 2 and f(x) = 3x + 2 name the same function
        return note("function-name", true);
      }
      Answer.Equation ea = asEquation(aa);
      Answer.Equation eb = asEquation(ab);
      return note("assignment-as-equation", ea != null && eb != null && equal(ea, eb));
    }
    Answer.Assign as = a instanceof Answer.Assign x ? x : (Answer.Assign) b;
    Answer other = as == a ? b : a;
    if (as.names().size() > 1
        && other instanceof Answer.Several sv
        && sv.bare()
        && as.value() instanceof Answer.Tuple t
        && t.items().size() == as.names().size()) {
      // (p, q) = (3, 2) against q = 2, p = 3: match by name
      Boolean byName = byName(as.names(), t.items(), sv.items());
      if (byName != null) {
        return note("by-name", byName);
      }
    }
    if (other instanceof Answer.Equation) {
      Answer.Equation e = asEquation(as);
      return note("assignment-as-equation", e != null && equal(e, other));
    }
    return note("labelled-value", equal(as.value(), other));
  }

  /** Compares named values with single assignments; null when the names do not line up. */
  private Boolean byName(List<String> names, List<Answer> values, List<Answer> assigns) {
    if (assigns.size() != names.size()) {
      return null;
    }
    Map<String, Answer> given = new HashMap<>();
    for (Answer x : assigns) {
      if (!(x instanceof Answer.Assign one) || one.names().size() != 1) {
        return null;
      }
      given.put(one.names().get(0), one.value());
    }
    if (!given.keySet().containsAll(names)) {
      return null;
    }
    for (int i = 0; i < names.size(); i++) {
      if (!equal(values.get(i), given.get(names.get(i)))) {
        return false;
      }
    }
    return true;
  }

  private static Answer.Equation asEquation(Answer.Assign a) {
    if (a.names().size() == 1 && a.value() instanceof Answer.Scalar s) {
      Expr lhs = ExprParser.tryParse(a.names().get(0));
      return lhs == null ? null : new Answer.Equation(lhs, s.expr());
    }
    return null;
  }

  private boolean severalEqual(Answer a, Answer.Several b) {
    if (a instanceof Answer.Several sa) {
      return note("any-order", anyOrder(sa.items(), b.items()));
    }
    if (a instanceof Answer.Tuple ta) {
      // 1, 2 may be an ordered pair written without its parentheses, not an interval
      return note(
          "tuple-vs-list",
          b.bare() && ta.open() == '(' && ta.close() == ')' && inOrder(ta.items(), b.items()));
    }
    if (b.items().size() == 1) {
      return note("single-item", equal(a, b.items().get(0)));
    }
    return note("different-kinds", false);
  }

  private boolean inOrder(List<Answer> x, List<Answer> y) {
    if (x.size() != y.size()) {
      return false;
    }
    for (int i = 0; i < x.size(); i++) {
      if (!equal(x.get(i), y.get(i))) {
        return false;
      }
    }
    return true;
  }

  private boolean anyOrder(List<Answer> x, List<Answer> y) {
    if (x.size() != y.size()) {
      return false;
    }
    if (inOrder(x, y)) {
      return true;
    }
    boolean[] used = new boolean[y.size()];
    outer:
    for (Answer xi : x) {
      for (int j = 0; j < y.size(); j++) {
        if (!used[j] && equal(xi, y.get(j))) {
          used[j] = true;
          continue outer;
        }
      }
      return false;
    }
    return true;
  }

  private static List<Answer> vector(Answer.Matrix m) {
    if (m.rows().size() == 1) {
      return m.rows().get(0);
    }
    List<Answer> col = new ArrayList<>();
    for (List<Answer> row : m.rows()) {
      if (row.size() != 1) {
        return null;
      }
      col.add(row.get(0));
    }
    return col;
  }

  // ---------------------------------------------------------------- scalars

  private boolean scalarEqual(Answer.Scalar a, Answer.Scalar b) {
    if (a.text().equals(b.text()) && a.percent() == b.percent()) {
      return true;
    }
    TreeSet<String> vars = new TreeSet<>();
    a.expr().vars(vars);
    b.expr().vars(vars);
    if (vars.isEmpty()) {
      Complex va = a.expr().eval(Map.of());
      Complex vb = b.expr().eval(Map.of());
      if (va.isNaN() || vb.isNaN() || overflowed(va, a.expr()) || overflowed(vb, b.expr())) {
        return symbolic(a.expr().sympy(), b.expr().sympy());
      }
      double tol = tolerance(a.text(), b.text());
      if (a.percent() != b.percent()) {
        Complex p = a.percent() ? va : vb;
        Complex q = a.percent() ? vb : va;
        return Complex.close(p, q, tol, 1e-12)
            || Complex.close(p.div(Complex.real(100)), q, tol, 1e-12);
      }
      if (a.degree() != b.degree()) {
        // 30 degrees also equals pi/6 radians, when the other side is written with pi
        Complex d = a.degree() ? va : vb;
        Answer.Scalar other = a.degree() ? b : a;
        return Complex.close(d, a.degree() ? vb : va, tol, 1e-12)
            || other.expr().sympy().contains("pi")
                && Complex.close(
                    d.times(Complex.real(Math.PI / 180)), a.degree() ? vb : va, tol, 1e-12);
      }
      return Complex.close(va, vb, tol, 1e-12);
    }
    if (a.percent() != b.percent()) {
      return false;
    }
    Optional<Boolean> sampled = sameFunction(a.expr(), b.expr(), vars);
    if (sampled.isPresent()) {
      return sampled.get();
    }
    return symbolic(a.expr().sympy(), b.expr().sympy());
  }

  /** A value that is infinite only because doubles overflowed (no infinity was written). */
  private static boolean overflowed(Complex v, Expr e) {
    return !v.isFinite() && !e.sympy().contains("oo");
  }

  private static List<Map<String, Complex>> points(TreeSet<String> vars) {
    List<Map<String, Complex>> envs = new ArrayList<>(POINTS);
    for (int k = 0; k < POINTS; k++) {
      Map<String, Complex> env = new HashMap<>();
      int j = 0;
      for (String v : vars) {
        env.put(v, Complex.real(SAMPLES[(k + 2 * j) % POINTS] + 0.1371 * j));
        j++;
      }
      envs.add(env);
    }
    return envs;
  }

  /** Equal at every sample point where both are defined; empty when too few points are. */
  private static Optional<Boolean> sameFunction(Expr a, Expr b, TreeSet<String> vars) {
    int valid = 0;
    for (Map<String, Complex> env : points(vars)) {
      Complex x = a.eval(env);
      Complex y = b.eval(env);
      if (!x.isFinite() || !y.isFinite()) {
        continue;
      }
      if (!Complex.close(x, y, EXPR_REL_TOL, 1e-9)) {
        return Optional.of(false);
      }
      valid++;
    }
    return valid >= 3 ? Optional.of(true) : Optional.empty();
  }

  private static Expr diff(Expr l, Expr r) {
    return new Expr.Bin('-', l, r);
  }

  /**
   * Whether {@code f = c g} for a constant c != 0 (c > 0 when {@code positive}) on the sample
   * points: the same equation or inequality, rearranged or scaled.
   */
  private static boolean proportional(Expr f, Expr g, boolean positive) {
    TreeSet<String> vars = new TreeSet<>();
    f.vars(vars);
    g.vars(vars);
    if (vars.isEmpty()) {
      return false;
    }
    Complex c = null;
    int valid = 0;
    List<Map<String, Complex>> envs = points(vars);
    Complex[] fs = new Complex[envs.size()];
    Complex[] gs = new Complex[envs.size()];
    for (int k = 0; k < envs.size(); k++) {
      fs[k] = f.eval(envs.get(k));
      gs[k] = g.eval(envs.get(k));
      if (c == null
          && fs[k].isFinite()
          && gs[k].isFinite()
          && gs[k].abs() > 1e-9
          && fs[k].abs() > 1e-9) {
        c = fs[k].div(gs[k]);
      }
    }
    if (c == null) {
      return false;
    }
    if (positive && (!c.isReal() || c.re() <= 0)) {
      return false;
    }
    for (int k = 0; k < envs.size(); k++) {
      if (!fs[k].isFinite() || !gs[k].isFinite()) {
        continue;
      }
      if (!Complex.close(fs[k], c.times(gs[k]), EXPR_REL_TOL, 1e-9 * Math.max(1, fs[k].abs()))) {
        return false;
      }
      valid++;
    }
    return valid >= 3;
  }

  // ---------------------------------------------------------------- relations and intervals

  /** A relation moved to one side: {@code g > 0}, {@code g >= 0} or {@code g != 0}. */
  private record OneSided(Expr g, char kind) {
    static OneSided of(Answer.Relation r) {
      switch (r.op()) {
        case '<':
          return new OneSided(diff(r.rhs(), r.lhs()), '>');
        case '≤':
          return new OneSided(diff(r.rhs(), r.lhs()), '≥');
        case '>':
          return new OneSided(diff(r.lhs(), r.rhs()), '>');
        case '≥':
          return new OneSided(diff(r.lhs(), r.rhs()), '≥');
        default:
          return new OneSided(diff(r.lhs(), r.rhs()), '≠');
      }
    }
  }

  private boolean relationEqual(Answer.Relation a, Answer.Relation b) {
    List<Answer.Interval> x = intervals(a);
    List<Answer.Interval> y = intervals(b);
    if (x != null && y != null) {
      return sameIntervals(x, y);
    }
    OneSided pa = OneSided.of(a);
    OneSided pb = OneSided.of(b);
    // the same inequality up to a positive factor; != up to any non-zero factor
    return pa.kind() == pb.kind() && proportional(pa.g(), pb.g(), pa.kind() != '≠');
  }

  private static boolean numeric(Expr e) {
    TreeSet<String> v = new TreeSet<>();
    e.vars(v);
    return v.isEmpty();
  }

  /** The answer as a union of intervals, or null when it is not one. */
  private static List<Answer.Interval> intervals(Answer a) {
    if (a instanceof Answer.Intervals iv) {
      return iv.parts();
    }
    if (a instanceof Answer.Tuple t
        && t.items().size() == 2
        && t.items().get(0) instanceof Answer.Scalar lo
        && t.items().get(1) instanceof Answer.Scalar hi) {
      return List.of(new Answer.Interval(lo.expr(), t.open() == '[', hi.expr(), t.close() == ']'));
    }
    if (a instanceof Answer.Relation r) {
      boolean leftVar = r.lhs() instanceof Expr.Var && numeric(r.rhs());
      boolean rightVar = r.rhs() instanceof Expr.Var && numeric(r.lhs());
      if (!leftVar && !rightVar) {
        return absoluteIntervals(r);
      }
      Expr bound = leftVar ? r.rhs() : r.lhs();
      char op = r.op();
      if (rightVar) {
        op = op == '<' ? '>' : op == '>' ? '<' : op == '≤' ? '≥' : op == '≥' ? '≤' : op;
      }
      Expr inf = new Expr.Const("oo");
      Expr ninf = new Expr.Neg(inf);
      switch (op) {
        case '<':
          return List.of(new Answer.Interval(ninf, false, bound, false));
        case '≤':
          return List.of(new Answer.Interval(ninf, false, bound, true));
        case '>':
          return List.of(new Answer.Interval(bound, false, inf, false));
        case '≥':
          return List.of(new Answer.Interval(bound, true, inf, false));
        case '≠':
          return List.of(
              new Answer.Interval(ninf, false, bound, false),
              new Answer.Interval(bound, false, inf, false));
        default:
          return null;
      }
    }
    if (a instanceof Answer.Assign as && as.names().size() == 1) {
      return intervals(as.value());
    }
    if (a instanceof Answer.Several s && s.items().size() > 0) {
      List<Answer.Interval> out = new ArrayList<>();
      for (Answer item : s.items()) {
        List<Answer.Interval> part = intervals(item);
        if (part == null) {
          return null;
        }
        out.addAll(part);
      }
      return out;
    }
    return null;
  }

  /** {@code |f| op c} for a linear {@code f} of one variable and a constant c; else null. */
  private static List<Answer.Interval> absoluteIntervals(Answer.Relation r) {
    Expr abs;
    Expr bound;
    char op = r.op();
    if (isAbs(r.lhs()) && numeric(r.rhs())) {
      abs = r.lhs();
      bound = r.rhs();
    } else if (isAbs(r.rhs()) && numeric(r.lhs())) {
      abs = r.rhs();
      bound = r.lhs();
      op = op == '<' ? '>' : op == '>' ? '<' : op == '≤' ? '≥' : op == '≥' ? '≤' : op;
    } else {
      return null;
    }
    Expr inner = ((Expr.Func) abs).args().get(0);
    switch (op) {
      case '<':
        return absoluteBetween(inner, null, false, bound, false);
      case '≤':
        return absoluteBetween(inner, null, false, bound, true);
      case '>':
        return absoluteBetween(inner, bound, false, null, false);
      case '≥':
        return absoluteBetween(inner, bound, true, null, false);
      default:
        return null;
    }
  }

  private static boolean isAbs(Expr e) {
    return e instanceof Expr.Func f && f.name().equals("Abs") && f.args().size() == 1;
  }

  /**
   * The values of x with {@code lo < |f(x)| < hi} ({@code <=} where closed; a null bound is absent)
   * for {@code f} linear in one variable x, as intervals of x; null when f is not linear, a bound
   * is not a positive finite number, or the set is empty or all of the line.
   */
  static List<Answer.Interval> absoluteBetween(
      Expr f, Expr lo, boolean loClosed, Expr hi, boolean hiClosed) {
    java.util.TreeSet<String> vars = new java.util.TreeSet<>();
    f.vars(vars);
    if (vars.size() != 1 || lo == null && hi == null) {
      return null;
    }
    String x = vars.first();
    Complex f0 = f.eval(Map.of(x, Complex.real(0)));
    Complex f1 = f.eval(Map.of(x, Complex.real(1)));
    Complex f3 = f.eval(Map.of(x, Complex.real(-2.5)));
    if (!f0.isReal() || !f1.isReal() || !f3.isReal() || !f0.isFinite() || !f1.isFinite()) {
      return null;
    }
    double beta = f0.re();
    double alpha = f1.re() - beta;
    double tol = 1e-9 * Math.max(1, Math.abs(alpha) + Math.abs(beta));
    if (Math.abs(alpha) < 1e-12 || Math.abs(beta - 2.5 * alpha - f3.re()) > tol) {
      return null;
    }
    double l = lo == null ? 0 : bound(lo);
    double h = hi == null ? Double.POSITIVE_INFINITY : bound(hi);
    if (Double.isNaN(l) || Double.isNaN(h) || hi != null && h <= 0 || h <= l) {
      return null;
    }
    Expr inf = new Expr.Const("oo");
    Expr ninf = new Expr.Neg(inf);
    // the set of values u = f(x), as intervals
    List<Expr[]> us = new ArrayList<>();
    List<boolean[]> closed = new ArrayList<>();
    Expr hiE = hi == null ? inf : hi;
    Expr nhiE = hi == null ? ninf : new Expr.Neg(hi);
    if (lo == null || l < 0 || l == 0 && loClosed) {
      if (hi == null) {
        return null; // every x
      }
      us.add(new Expr[] {nhiE, hiE});
      closed.add(new boolean[] {hiClosed, hiClosed});
    } else {
      us.add(new Expr[] {nhiE, new Expr.Neg(lo)});
      closed.add(new boolean[] {hi != null && hiClosed, loClosed});
      us.add(new Expr[] {lo, hiE});
      closed.add(new boolean[] {loClosed, hi != null && hiClosed});
    }
    // x = (u - beta) / alpha, which reverses the order when alpha < 0
    List<Answer.Interval> out = new ArrayList<>();
    for (int k = 0; k < us.size(); k++) {
      Expr a = solve(us.get(k)[0], beta, alpha);
      Expr b = solve(us.get(k)[1], beta, alpha);
      boolean ca = closed.get(k)[0];
      boolean cb = closed.get(k)[1];
      out.add(alpha > 0 ? new Answer.Interval(a, ca, b, cb) : new Answer.Interval(b, cb, a, ca));
    }
    if (alpha < 0) {
      java.util.Collections.reverse(out);
    }
    return out;
  }

  private static double bound(Expr e) {
    if (!numeric(e)) {
      return Double.NaN;
    }
    Complex v = e.eval(Map.of());
    return v.isReal() && v.isFinite() ? v.re() : Double.NaN;
  }

  /** {@code (u - beta) / alpha} as an expression; infinite u stays infinite. */
  private static Expr solve(Expr u, double beta, double alpha) {
    if (!u.eval(Map.of()).isFinite()) {
      boolean positive = u.eval(Map.of()).re() > 0;
      Expr inf = new Expr.Const("oo");
      return positive == alpha > 0 ? inf : new Expr.Neg(inf);
    }
    Expr shifted = beta == 0 ? u : new Expr.Bin('-', u, number(beta));
    return alpha == 1 ? shifted : new Expr.Bin('/', shifted, number(alpha));
  }

  /** A computed coefficient as a number, written exactly when it is an integer. */
  private static Expr number(double v) {
    if (v < 0) {
      return new Expr.Neg(number(-v));
    }
    if (v == Math.rint(v) && v < 1e15) {
      return new Expr.Num(v, Long.toString((long) v));
    }
    return new Expr.Num(v, Double.toString(v));
  }

  private boolean sameIntervals(List<Answer.Interval> x, List<Answer.Interval> y) {
    if (x.size() != y.size()) {
      return false;
    }
    boolean[] used = new boolean[y.size()];
    outer:
    for (Answer.Interval i : x) {
      for (int j = 0; j < y.size(); j++) {
        if (!used[j] && sameInterval(i, y.get(j))) {
          used[j] = true;
          continue outer;
        }
      }
      return false;
    }
    return true;
  }

  private boolean sameInterval(Answer.Interval a, Answer.Interval b) {
    if (!sameEnd(a.lo(), b.lo()) || !sameEnd(a.hi(), b.hi())) {
      return false;
    }
    boolean loInf = infinite(a.lo());
    boolean hiInf = infinite(a.hi());
    return (loInf || a.loClosed() == b.loClosed()) && (hiInf || a.hiClosed() == b.hiClosed());
  }

  private static boolean infinite(Expr e) {
    return numeric(e) && !e.eval(Map.of()).isFinite();
  }

  /** Two interval ends: equal numbers (within the tolerance) or equal expressions. */
  private boolean sameEnd(Expr x, Expr y) {
    TreeSet<String> vars = new TreeSet<>();
    x.vars(vars);
    y.vars(vars);
    if (vars.isEmpty()) {
      Complex vx = x.eval(Map.of());
      Complex vy = y.eval(Map.of());
      return !vx.isNaN()
          && !vy.isNaN()
          && Complex.close(vx, vy, tolerance(x.sympy(), y.sympy()), 1e-12);
    }
    return sameFunction(x, y, vars).orElse(false);
  }
}
