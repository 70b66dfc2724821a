/**
 * A generic Monte Carlo Tree Search engine over any state space: a struct-of-arrays {@link
 * io.rstar4j.mcts.engine.SearchTree}, selection as small pure functions ({@link
 * io.rstar4j.mcts.engine.Selection}, {@link io.rstar4j.mcts.engine.SelectionRule}: the reference's
 * UCT and PUCT), value updates (node-only or propagated to the root, single-agent or negamax),
 * virtual loss, and resumable {@link io.rstar4j.mcts.engine.Rollout}s that pause for each expansion
 * so callers can batch model calls. It knows nothing of language models.
 *
 * <p>{@link io.rstar4j.mcts.engine.EngineOptions#reference(double, int)} is the rStar-Math
 * reference's behaviour; the other options are named departures from it.
 */
package io.rstar4j.mcts.engine;
