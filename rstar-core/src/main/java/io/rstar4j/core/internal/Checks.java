package io.rstar4j.core.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks written once, with one message shape: {@code "NAME must be ..., was VALUE"}. Each
 * returns its argument so a builder can write {@code this.rollouts = Checks.positive(...)}.
 */
public final class Checks {
  private Checks() {}

  /**
   * @throws IllegalArgumentException if {@code v < 1}
   */
  public static int positive(String name, int v) {
    return atLeast(name, v, 1);
  }

  /**
   * @throws IllegalArgumentException if {@code v < 1}
   */
  public static long positive(String name, long v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, was " + v);
    }
    return v;
  }

  /**
   * @throws IllegalArgumentException if {@code v < min}
   */
  public static int atLeast(String name, int v, int min) {
    if (v < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", was " + v);
    }
    return v;
  }

  /**
   * @throws IllegalArgumentException if {@code v} is outside {@code [lo, hi]}
   */
  public static int inRange(String name, int v, int lo, int hi) {
    if (v < lo || v > hi) {
      throw new IllegalArgumentException(name + " must be in " + lo + ".." + hi + ", was " + v);
    }
    return v;
  }

  /**
   * @throws IllegalArgumentException if {@code v} is NaN, infinite or negative
   */
  public static double finiteNonNegative(String name, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + " must be finite and >= 0, was " + v);
    }
    return v;
  }

  /**
   * @throws IllegalArgumentException if {@code v} is NaN, infinite or not above zero
   */
  public static double finitePositive(String name, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + " must be finite and > 0, was " + v);
    }
    return v;
  }

  /**
   * @throws IllegalArgumentException if {@code v} is outside {@code [lo, hi]} or NaN
   */
  public static double inRange(String name, double v, double lo, double hi) {
    if (!(v >= lo && v <= hi)) {
      throw new IllegalArgumentException(name + " must be in [" + lo + ", " + hi + "], was " + v);
    }
    return v;
  }

  /**
   * @throws IllegalArgumentException if {@code v} is outside {@code [lo, hi)} or NaN
   */
  public static double inHalfOpenRange(String name, double v, double lo, double hi) {
    if (!(v >= lo && v < hi)) {
      throw new IllegalArgumentException(name + " must be in [" + lo + ", " + hi + "), was " + v);
    }
    return v;
  }

  /**
   * @throws IllegalArgumentException if {@code v} is NaN or infinite
   */
  public static double finite(String name, double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(name + " must be finite, was " + v);
    }
    return v;
  }

  /**
   * A probability mass in (0, 1], such as top-p.
   *
   * @throws IllegalArgumentException if {@code v} is outside {@code (0, 1]} or NaN
   */
  public static double unitInterval(String name, double v) {
    if (!(v > 0 && v <= 1)) {
      throw new IllegalArgumentException(name + " must be in (0, 1], was " + v);
    }
    return v;
  }

  /**
   * @throws NullPointerException naming the argument if {@code d} is null
   * @throws IllegalArgumentException if {@code d} is zero or negative
   */
  public static Duration positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
    return d;
  }

  /**
   * @throws NullPointerException naming the argument if {@code s} is null
   * @throws IllegalArgumentException if {@code s} is empty or only whitespace
   */
  public static String nonBlank(String name, String s) {
    Objects.requireNonNull(s, name);
    if (s.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return s;
  }
}
