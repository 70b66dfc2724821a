package io.rstar4j.train.domain;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An evaluator of solution plans written apart from the generator: exact fractions on BigInteger,
 * each operation spelled out again from its documented meaning. The golden reference the tests
 * compare the generator's values and gold answers with.
 */
final class PlanEvaluator {
  private PlanEvaluator() {}

  /** A reduced fraction with a positive denominator. */
  record Frac(BigInteger num, BigInteger den) {
    Frac {
      if (den.signum() == 0) {
        throw new ArithmeticException("zero denominator");
      }
      if (den.signum() < 0) {
        num = num.negate();
        den = den.negate();
      }
      BigInteger g = num.gcd(den);
      if (!g.equals(BigInteger.ONE) && g.signum() != 0) {
        num = num.divide(g);
        den = den.divide(g);
      }
    }

    static Frac of(long n) {
      return new Frac(BigInteger.valueOf(n), BigInteger.ONE);
    }

    /** Parses a plain decimal such as {@code 12}, {@code 2.5} or {@code 0.25}. */
    static Frac parse(String s) {
      int dot = s.indexOf('.');
      if (dot < 0) {
        return new Frac(new BigInteger(s), BigInteger.ONE);
      }
      String digits = s.substring(0, dot) + s.substring(dot + 1);
      return new Frac(new BigInteger(digits), BigInteger.TEN.pow(s.length() - dot - 1));
    }

    Frac plus(Frac o) {
      return new Frac(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
    }

    Frac minus(Frac o) {
      return plus(new Frac(o.num.negate(), o.den));
    }

    Frac times(Frac o) {
      return new Frac(num.multiply(o.num), den.multiply(o.den));
    }

    Frac over(Frac o) {
      return new Frac(num.multiply(o.den), den.multiply(o.num));
    }

    /** The decimal text, or null when the expansion does not terminate. */
    String decimal() {
      BigInteger d = den;
      int twos = 0;
      int fives = 0;
      while (d.mod(BigInteger.TWO).signum() == 0) {
        d = d.divide(BigInteger.TWO);
        twos++;
      }
      BigInteger five = BigInteger.valueOf(5);
      while (d.mod(five).signum() == 0) {
        d = d.divide(five);
        fives++;
      }
      if (!d.equals(BigInteger.ONE)) {
        return null;
      }
      int places = Math.max(twos, fives);
      BigInteger scaled = num.multiply(BigInteger.TEN.pow(places)).divide(den);
      String digits = scaled.abs().toString();
      String sign = scaled.signum() < 0 ? "-" : "";
      if (places == 0) {
        return sign + digits;
      }
      while (digits.length() <= places) {
        digits = "0" + digits;
      }
      return sign
          + digits.substring(0, digits.length() - places)
          + "."
          + digits.substring(digits.length() - places);
    }
  }

  /** The value of every step, by variable; the plan's last step is the answer. */
  static Map<String, Frac> evaluate(SolutionPlan plan) {
    Map<String, Frac> env = new HashMap<>();
    Frac hundred = Frac.of(100);
    for (PlanStep s : plan.steps()) {
      List<Operand> o = s.operands();
      Frac a = value(o.get(0), env);
      Frac b = value(o.get(1), env);
      Frac v =
          switch (s.arithmetic()) {
            case ADD -> a.plus(b);
            case SUBTRACT -> a.minus(b);
            case MULTIPLY -> a.times(b);
            case DIVIDE -> a.over(b);
            case PERCENT_OF -> a.times(b).over(hundred);
            case PERCENT_UP -> a.times(hundred.plus(b)).over(hundred);
            case PERCENT_DOWN -> a.times(hundred.minus(b)).over(hundred);
            case FRACTION_OF -> a.times(b).over(value(o.get(2), env));
            case FRACTION_LEFT -> a.minus(a.times(b).over(value(o.get(2), env)));
          };
      env.put(s.variable(), v);
    }
    return env;
  }

  /** The answer as a decimal text, or null when it does not terminate. */
  static String answer(SolutionPlan plan) {
    List<PlanStep> steps = plan.steps();
    return evaluate(plan).get(steps.get(steps.size() - 1).variable()).decimal();
  }

  private static Frac value(Operand o, Map<String, Frac> env) {
    if (o instanceof Operand.Ref r) {
      Frac f = env.get(r.variable());
      if (f == null) {
        throw new IllegalStateException("undefined " + r.variable());
      }
      return f;
    }
    return Frac.parse(((Operand.Literal) o).value().toPlainString());
  }
}
