package io.rstar4j.verify;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by the verifiers' builders; messages name the setting and the value. */
final class Checks {
  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

  private Checks() {}

  /** A count in 1..64 (pooled contexts, worker processes). */
  static int poolSize(int n, String name) {
    if (n < 1 || n > 64) {
      throw new IllegalArgumentException(name + " must be in 1..64, was " + n);
    }
    return n;
  }

  /** A per-run wall-clock limit in (0, 10 min]. */
  static Duration runTimeout(Duration d) {
    Objects.requireNonNull(d, "timeout");
    if (d.isNegative() || d.isZero() || d.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException("timeout must be in (0, 10 min], was " + d);
    }
    return d;
  }

  /** A strictly positive duration. */
  static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
    return d;
  }

  /** The runner's output cap in characters: at least 1024. */
  static int maxOutputChars(int n) {
    if (n < 1024) {
      throw new IllegalArgumentException("maxOutputChars must be >= 1024, was " + n);
    }
    return n;
  }

  /** The runner's Python recursion limit: 50..100000. */
  static int recursionLimit(int n) {
    if (n < 50 || n > 100_000) {
      throw new IllegalArgumentException("recursionLimit must be in 50..100000, was " + n);
    }
    return n;
  }
}
