package io.rstar4j.verify.grade;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed mathematical expression: evaluated numerically (complex doubles, variables bound to
 * sample points) and printed in sympy syntax for the symbolic back end.
 */
sealed interface Expr {

  /** The value with each variable bound by {@code env}; NaN when undefined. */
  Complex eval(Map<String, Complex> env);

  /** Adds the names of the free variables to {@code out}. */
  void vars(Set<String> out);

  /** The expression in sympy's {@code sympify} syntax. */
  String sympy();

  /** The expression in plain infix notation ({@code 3*sqrt(2)/2}), for explanations. */
  default String show() {
    return show(0);
  }

  /** {@link #show()} inside an operator of precedence {@code outer} (0 none, 1 +-, 2 * /, 3 ^). */
  String show(int outer);

  /** Whether the expression has no free variables. */
  static boolean numeric(Expr e) {
    java.util.TreeSet<String> v = new java.util.TreeSet<>();
    e.vars(v);
    return v.isEmpty();
  }

  /** A literal number as written (decimal digits). */
  record Num(double value, String text) implements Expr {
    @Override
    public Complex eval(Map<String, Complex> env) {
      return Complex.real(value);
    }

    @Override
    public void vars(Set<String> out) {}

    @Override
    public String sympy() {
      return text.contains(".") ? "Rational('" + text + "')" : text;
    }

    @Override
    public String show(int outer) {
      return text;
    }
  }

  /** A named constant: {@code pi}, {@code e}, {@code i}, {@code oo}. */
  record Const(String name) implements Expr {
    @Override
    public Complex eval(Map<String, Complex> env) {
      switch (name) {
        case "pi":
          return Complex.real(Math.PI);
        case "e":
          return Complex.real(Math.E);
        case "i":
          return Complex.I;
        case "oo":
          return Complex.real(Double.POSITIVE_INFINITY);
        default:
          return Complex.NAN;
      }
    }

    @Override
    public void vars(Set<String> out) {}

    @Override
    public String sympy() {
      switch (name) {
        case "e":
          return "E";
        case "i":
          return "I";
        default:
          return name;
      }
    }

    @Override
    public String show(int outer) {
      switch (name) {
        case "pi":
          return "π";
        case "oo":
          return "∞";
        default:
          return name;
      }
    }
  }

  /** A free variable. */
  record Var(String name) implements Expr {
    @Override
    public Complex eval(Map<String, Complex> env) {
      Complex v = env.get(name);
      return v == null ? Complex.NAN : v;
    }

    @Override
    public void vars(Set<String> out) {
      out.add(name);
    }

    @Override
    public String sympy() {
      return "Symbol('" + name.replace("\\", "").replace("'", "") + "')";
    }

    @Override
    public String show(int outer) {
      return name;
    }
  }

  /** Negation. */
  record Neg(Expr e) implements Expr {
    @Override
    public Complex eval(Map<String, Complex> env) {
      return e.eval(env).negate();
    }

    @Override
    public void vars(Set<String> out) {
      e.vars(out);
    }

    @Override
    public String sympy() {
      return "(-" + e.sympy() + ")";
    }

    @Override
    public String show(int outer) {
      String inner = "-" + e.show(2);
      return outer >= 2 ? "(" + inner + ")" : inner;
    }
  }

  /** A binary operation: one of {@code + - * / ^}. */
  record Bin(char op, Expr a, Expr b) implements Expr {
    @Override
    public Complex eval(Map<String, Complex> env) {
      Complex x = a.eval(env);
      Complex y = b.eval(env);
      switch (op) {
        case '+':
          return x.plus(y);
        case '-':
          return x.minus(y);
        case '*':
          return x.times(y);
        case '/':
          return x.div(y);
        case '^':
          return x.pow(y);
        default:
          throw new IllegalStateException("operator " + op);
      }
    }

    @Override
    public void vars(Set<String> out) {
      a.vars(out);
      b.vars(out);
    }

    @Override
    public String sympy() {
      return "(" + a.sympy() + (op == '^' ? "**" : String.valueOf(op)) + b.sympy() + ")";
    }

    @Override
    public String show(int outer) {
      int prec = op == '+' || op == '-' ? 1 : op == '^' ? 3 : 2;
      // left-associative: the right operand of - and / needs brackets at equal precedence
      String left = a.show(op == '^' ? prec + 1 : prec);
      String right = b.show(op == '-' || op == '/' || op == '^' ? prec + 1 : prec);
      String t = left + (prec == 1 ? " " + op + " " : String.valueOf(op)) + right;
      return outer > prec ? "(" + t + ")" : t;
    }
  }

  /** A function application (sqrt, root, trig, log, exp, abs, floor, ceil, factorial, binom). */
  record Func(String name, List<Expr> args) implements Expr {
    @Override
    public Complex eval(Map<String, Complex> env) {
      Complex x = args.get(0).eval(env);
      switch (name) {
        case "sqrt":
          return x.sqrt();
        case "root": // root(x, n)
          return x.pow(Complex.ONE.div(args.get(1).eval(env)));
        case "sin":
          return x.sin();
        case "cos":
          return x.cos();
        case "tan":
          return x.sin().div(x.cos());
        case "sec":
          return Complex.ONE.div(x.cos());
        case "csc":
          return Complex.ONE.div(x.sin());
        case "cot":
          return x.cos().div(x.sin());
        case "asin":
          return x.isReal() && Math.abs(x.re()) <= 1
              ? Complex.real(Math.asin(x.re()))
              : Complex.NAN;
        case "acos":
          return x.isReal() && Math.abs(x.re()) <= 1
              ? Complex.real(Math.acos(x.re()))
              : Complex.NAN;
        case "atan":
          return x.isReal() ? Complex.real(Math.atan(x.re())) : Complex.NAN;
        case "sinh":
          return x.exp().minus(x.negate().exp()).div(Complex.real(2));
        case "cosh":
          return x.exp().plus(x.negate().exp()).div(Complex.real(2));
        case "tanh":
          return x.exp().minus(x.negate().exp()).div(x.exp().plus(x.negate().exp()));
        case "log":
          if (args.size() == 2) { // log(x, base)
            return x.log().div(args.get(1).eval(env).log());
          }
          return x.log();
        case "exp":
          return x.exp();
        case "Abs":
          return Complex.real(x.abs());
        case "floor":
          return x.isReal() ? Complex.real(Math.floor(x.re() + 1e-12)) : Complex.NAN;
        case "ceiling":
          return x.isReal() ? Complex.real(Math.ceil(x.re() - 1e-12)) : Complex.NAN;
        case "factorial":
          return factorial(x);
        case "binomial":
          return binomial(x, args.get(1).eval(env));
        default:
          return Complex.NAN;
      }
    }

    private static Complex factorial(Complex x) {
      if (!x.isReal() || x.re() != Math.rint(x.re()) || x.re() < 0 || x.re() > 170) {
        return Complex.NAN;
      }
      double r = 1;
      for (int k = 2; k <= (int) x.re(); k++) {
        r *= k;
      }
      return Complex.real(r);
    }

    private static Complex binomial(Complex n, Complex k) {
      if (!n.isReal()
          || !k.isReal()
          || k.re() != Math.rint(k.re())
          || k.re() < 0
          || k.re() > 1000) {
        return Complex.NAN;
      }
      double r = 1;
      for (int j = 0; j < (int) k.re(); j++) {
        r = r * (n.re() - j) / (j + 1);
      }
      return Complex.real(r);
    }

    @Override
    public void vars(Set<String> out) {
      for (Expr a : args) {
        a.vars(out);
      }
    }

    @Override
    public String sympy() {
      StringBuilder sb = new StringBuilder();
      if (name.equals("root")) {
        return "((" + args.get(0).sympy() + ")**(1/(" + args.get(1).sympy() + ")))";
      }
      sb.append(name).append('(');
      for (int i = 0; i < args.size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        sb.append(args.get(i).sympy());
      }
      return sb.append(')').toString();
    }

    @Override
    public String show(int outer) {
      if (name.equals("Abs") && args.size() == 1) {
        return "|" + args.get(0).show(0) + "|";
      }
      StringBuilder sb = new StringBuilder(name).append('(');
      for (int i = 0; i < args.size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        sb.append(args.get(i).show(0));
      }
      return sb.append(')').toString();
    }
  }
}
