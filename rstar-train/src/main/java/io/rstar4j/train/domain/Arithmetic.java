package io.rstar4j.train.domain;

import java.math.BigDecimal;
import java.util.List;

/**
 * The arithmetic of one plan step, on exact decimals. Operand order is part of the meaning: {@code
 * SUBTRACT(a, b) = a - b}, {@code PERCENT_OF(a, p) = a * p / 100}, {@code FRACTION_OF(a, n, d) = a
 * * n / d}.
 */
public enum Arithmetic {
  /** {@code a + b}. */
  ADD(2),
  /** {@code a - b}. */
  SUBTRACT(2),
  /** {@code a * b}. */
  MULTIPLY(2),
  /** {@code a / b}. */
  DIVIDE(2),
  /** {@code a * p / 100}. */
  PERCENT_OF(2),
  /** {@code a * (100 + p) / 100}. */
  PERCENT_UP(2),
  /** {@code a * (100 - p) / 100}. */
  PERCENT_DOWN(2),
  /** {@code a * n / d}. */
  FRACTION_OF(3),
  /** {@code a - a * n / d}. */
  FRACTION_LEFT(3);

  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  private final int arity;

  Arithmetic(int arity) {
    this.arity = arity;
  }

  /** How many operands the operation takes. */
  public int arity() {
    return arity;
  }

  /**
   * Applies the operation exactly.
   *
   * @throws IllegalArgumentException if the number of values is not {@link #arity()}
   * @throws ArithmeticException if a division is by zero or has no finite decimal expansion
   */
  public BigDecimal apply(List<BigDecimal> v) {
    if (v.size() != arity) {
      throw new IllegalArgumentException(
          this + " takes " + arity + " operands, was given " + v.size());
    }
    BigDecimal a = v.get(0);
    BigDecimal b = v.get(1);
    BigDecimal r =
        switch (this) {
          case ADD -> a.add(b);
          case SUBTRACT -> a.subtract(b);
          case MULTIPLY -> a.multiply(b);
          case DIVIDE -> a.divide(b);
          case PERCENT_OF -> a.multiply(b).divide(HUNDRED);
          case PERCENT_UP -> a.multiply(HUNDRED.add(b)).divide(HUNDRED);
          case PERCENT_DOWN -> a.multiply(HUNDRED.subtract(b)).divide(HUNDRED);
          case FRACTION_OF -> a.multiply(b).divide(v.get(2));
          case FRACTION_LEFT -> a.subtract(a.multiply(b).divide(v.get(2)));
        };
    return Numbers.canonical(r);
  }
}
