/**
 * Running the Python code of reasoning steps: {@link io.rstar4j.verify.GraalPyVerifier}, an
 * in-process sandbox on a shared GraalPy engine with pooled warm contexts, and {@link
 * io.rstar4j.verify.CPythonVerifier}, a pool of persistent CPython workers. Both implement {@link
 * io.rstar4j.core.Verifier} with the reference executor's output semantics (captured stdout or the
 * trailing expression's value, floats rounded to 4 decimals when shorter, 512 + "..." + 512
 * truncation, {@code TypeName: message} errors) and the same runner script, so that the same
 * program gives the same outcome on both.
 *
 * <p>All references are non-null unless documented otherwise.
 */
package io.rstar4j.verify;
