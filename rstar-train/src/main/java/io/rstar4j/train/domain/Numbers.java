package io.rstar4j.train.domain;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/** Exact-decimal helpers shared by the generator, the plan and the policy. */
final class Numbers {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private Numbers() {}

  /** The value with trailing zeros stripped and a non-negative scale (12, not 1.2E+1). */
  static BigDecimal canonical(BigDecimal v) {
    BigDecimal s = v.stripTrailingZeros();
    return s.scale() < 0 ? s.setScale(0) : s;
  }

  /** The plain text of a value: {@code 12}, {@code 2.5}, {@code 0.25}. */
  static String text(BigDecimal v) {
    return canonical(v).toPlainString();
  }

  /** A money amount as the questions write it: {@code $12} or {@code $2.50}. */
  static String money(BigDecimal v) {
    BigDecimal c = canonical(v);
    return c.scale() == 0 ? "$" + c.toPlainString() : "$" + c.setScale(2).toPlainString();
  }

  static boolean isInteger(BigDecimal v) {
    return canonical(v).scale() == 0;
  }

  static boolean isIdentifier(String s) {
    return IDENTIFIER.matcher(s).matches();
  }
}
