package io.rstar4j.train.domain;

/**
 * What a plan step does in word-problem terms. Each kind is worded by at least five question
 * templates (for {@link #UNIT_CONVERSION}, the templates that state dozens or ask in another unit);
 * {@link #arithmetic()} is the operation its step computes.
 */
public enum OpKind {
  /** {@code g} groups of {@code n} things each: {@code g * n}. */
  GROUPS(Arithmetic.MULTIPLY),
  /** A rate over a time, or an amount repeated over days: {@code rate * time}. */
  RATE_TIME(Arithmetic.MULTIPLY),
  /** A count of things at a unit price: {@code count * price}. */
  PRICE(Arithmetic.MULTIPLY),
  /** Getting more: {@code amount + k}. */
  GAIN(Arithmetic.ADD),
  /** Giving away, spending or losing: {@code amount - k}. */
  LOSS(Arithmetic.SUBTRACT),
  /** Doubling, tripling, k times as much as before: {@code amount * k}. */
  SCALE(Arithmetic.MULTIPLY),
  /** Packing into containers of {@code k}: {@code amount / k} containers. */
  PACK(Arithmetic.DIVIDE),
  /** Sharing equally among {@code k}: {@code amount / k} each. */
  SHARE(Arithmetic.DIVIDE),
  /** {@code p}% of an amount: {@code amount * p / 100}. */
  PERCENT_OF(Arithmetic.PERCENT_OF),
  /** An increase by {@code p}%: {@code amount * (100 + p) / 100}. */
  PERCENT_INCREASE(Arithmetic.PERCENT_UP),
  /** A decrease by {@code p}% (what is left): {@code amount * (100 - p) / 100}. */
  PERCENT_DECREASE(Arithmetic.PERCENT_DOWN),
  /** A fraction of an amount: {@code amount * n / d}. */
  FRACTION_OF(Arithmetic.FRACTION_OF),
  /** What is left after a fraction goes: {@code amount - amount * n / d}. */
  FRACTION_LEFT(Arithmetic.FRACTION_LEFT),
  /**
   * A change of unit (dozens to items, hours to minutes, kilometers to meters, dollars to cents, or
   * back): {@code amount * factor} or {@code amount / factor}.
   */
  UNIT_CONVERSION(Arithmetic.MULTIPLY),
  /** A second person has {@code k} more: {@code amount + k}. */
  MORE_THAN(Arithmetic.ADD),
  /** A second person has {@code k} fewer: {@code amount - k}. */
  FEWER_THAN(Arithmetic.SUBTRACT),
  /** A second person has {@code k} times as many: {@code amount * k}. */
  TIMES_AS_MANY(Arithmetic.MULTIPLY),
  /** A second person has a fraction as many: {@code amount * n / d}. */
  FRACTION_AS_MANY(Arithmetic.FRACTION_OF),
  /** Two people's amounts together: {@code a + b}. */
  TOTAL(Arithmetic.ADD),
  /** How many more one person has than another: {@code a - b}. */
  DIFFERENCE(Arithmetic.SUBTRACT);

  private final Arithmetic arithmetic;

  OpKind(Arithmetic arithmetic) {
    this.arithmetic = arithmetic;
  }

  /**
   * The operation a step of this kind computes ({@link #UNIT_CONVERSION} to a larger unit divides
   * instead: see {@link PlanStep#arithmetic()}).
   */
  public Arithmetic arithmetic() {
    return arithmetic;
  }
}
