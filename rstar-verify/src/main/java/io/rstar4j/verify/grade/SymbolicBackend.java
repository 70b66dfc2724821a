package io.rstar4j.verify.grade;

import io.rstar4j.core.Verifier;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides symbolic equality of two expressions when the grader's own checks cannot: the slow path
 * of {@link MathGrader}. Each expression is given in sympy syntax when the grader could parse it
 * ({@code sqrt(2)/2}, {@code Symbol('x')**2}), otherwise as the normalised answer text.
 *
 * <p>sympy's parser evaluates Python: run the back end in a sandbox (the GraalPy verifier). The
 * grader never sends text that looks like Python code ({@code __}, {@code import}, {@code eval},
 * {@code ;}...) or longer than 500 characters.
 */
@FunctionalInterface
public interface SymbolicBackend {

  /**
   * Whether the two expressions are equal.
   *
   * @return the verdict, or empty when the back end could not decide (parse error, timeout)
   */
  Optional<Boolean> equivalent(String left, String right);

  /**
   * A back end that runs a small sympy program for each pair through {@code verifier} (a GraalPy
   * sandbox with sympy on its path, or a CPython pool) and reads {@code True}/{@code False} from
   * its output. Verdicts are cached (up to {@code cacheSize} pairs, about the least recently used
   * evicted).
   *
   * @param verifier runs Python programs; its output must be the program's printed text
   * @param cacheSize pairs kept in the cache, 0 for none
   * @throws NullPointerException if {@code verifier} is null
   * @throws IllegalArgumentException if {@code cacheSize} is negative
   */
  static SymbolicBackend sympy(Verifier verifier, int cacheSize) {
    Objects.requireNonNull(verifier, "verifier");
    if (cacheSize < 0) {
      throw new IllegalArgumentException("cacheSize must be >= 0, was " + cacheSize);
    }
    return new SympyBackend(verifier, cacheSize);
  }

  /** {@link #sympy(Verifier, int)} with a cache of 10,000 pairs. */
  static SymbolicBackend sympy(Verifier verifier) {
    return sympy(verifier, 10_000);
  }
}
