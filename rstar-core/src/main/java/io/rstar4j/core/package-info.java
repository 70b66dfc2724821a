/**
 * The rstar4j vocabulary and SPI: {@link io.rstar4j.core.Problem}, {@link io.rstar4j.core.Step},
 * {@link io.rstar4j.core.Trajectory}, the code-augmented {@link io.rstar4j.core.StepFormat}, and
 * the pluggable {@link io.rstar4j.core.Policy}, {@link io.rstar4j.core.RewardModel}, {@link
 * io.rstar4j.core.Verifier} and {@link io.rstar4j.core.AnswerGrader}, whose failures are {@link
 * io.rstar4j.core.SpiException}s.
 *
 * <p>All values are immutable; all references are non-null unless documented otherwise.
 */
package io.rstar4j.core;
