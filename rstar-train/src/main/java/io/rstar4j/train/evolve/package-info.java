/**
 * Self-evolution and evaluation plumbing: benchmark loading ({@link
 * io.rstar4j.train.evolve.Benchmarks}), many-problem lock-step search with streamed, resumable tree
 * files ({@link io.rstar4j.train.evolve.SearchRunner}) and the round loop that ties search, data
 * extraction, PPM training and a user-supplied policy fine-tuning step together ({@link
 * io.rstar4j.train.evolve.SelfEvolution}, {@link io.rstar4j.train.evolve.PolicyTrainer}).
 */
package io.rstar4j.train.evolve;
