/**
 * The embedded problem domain: a world small enough for the whole self-evolution loop to run on a
 * laptop, with no download.
 *
 * <ul>
 *   <li>{@link io.rstar4j.train.domain.WordProblemGenerator} writes seeded multi-step arithmetic
 *       word problems in the style of GSM8K at difficulty levels 1..8, with exact answers and a
 *       test split worded only with templates training never sees; each {@link
 *       io.rstar4j.train.domain.WordProblem} is a {@link io.rstar4j.core.Problem} plus its level,
 *       operations and hidden {@link io.rstar4j.train.domain.SolutionPlan}. {@link
 *       io.rstar4j.train.domain.WordProblems} writes them as a benchmark file and summarises them.
 *   <li>{@link io.rstar4j.train.domain.BootstrapPolicy} is the round-1 teacher: a rule-based,
 *       deliberately weak writer of code-augmented steps that reads the question text with the
 *       domain's grammar and makes the {@link io.rstar4j.train.domain.Mistake}s a weak model makes.
 *       It is a bootstrap teacher, not a model.
 * </ul>
 *
 * <p>Names, things and number ranges are shared by both splits; only sentence forms are held out.
 */
package io.rstar4j.train.domain;
