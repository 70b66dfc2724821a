/**
 * Verifiers for code steps (the GraalPy sandbox, a CPython worker pool) and the math answer grader
 * ({@code io.rstar4j.verify.grade}).
 *
 * <p>GraalPy is optional ({@code requires static}): add {@code org.graalvm.polyglot:polyglot} and
 * {@code org.graalvm.polyglot:python-community} to use {@code GraalPyVerifier}.
 */
module io.rstar4j.verify {
  requires transitive io.rstar4j.core;
  requires com.google.common;
  requires com.google.gson;
  requires static org.graalvm.polyglot;

  exports io.rstar4j.verify;
  exports io.rstar4j.verify.grade;
}
