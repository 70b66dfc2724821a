/**
 * The MATH answer grader: {@link io.rstar4j.verify.grade.MathGrader} decides whether a predicted
 * final answer equals a gold answer (normalisation of LaTeX, numbers with a relative tolerance,
 * expressions, equations, inequalities, intervals, tuples, sets, matrices, multiple choice), in
 * pure Java on the fast path, with an optional {@link io.rstar4j.verify.grade.SymbolicBackend}
 * (sympy run by any {@link io.rstar4j.core.Verifier}) for pairs it cannot decide, and a switch for
 * the reference implementation's rules.
 *
 * <p>Arguments and results are never null unless stated.
 */
package io.rstar4j.verify.grade;
