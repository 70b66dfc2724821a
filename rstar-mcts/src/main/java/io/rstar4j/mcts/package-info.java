/**
 * rStar-Math's reasoning search on the SPI: {@link io.rstar4j.mcts.ReasoningSearch}
 * (terminal-guided, PPM-augmented and test-time modes, lock-step batching of many problems), its
 * configuration {@link io.rstar4j.mcts.SearchConfig} (holding the engine's {@link
 * io.rstar4j.mcts.engine.EngineOptions}) with presets mirroring the reference, results exported as
 * flat, immutable {@link io.rstar4j.core.tree.ReasoningTree}s, test-time {@link
 * io.rstar4j.mcts.AnswerSelection} and the {@link io.rstar4j.mcts.Baselines} (best-of-N, step-level
 * beam search).
 *
 * <p>The search reproduces the reference implementation node for node (see the golden-tree tests;
 * {@code io.rstar4j.mcts.script.ScriptedProblem}, in the rstar-mcts test jar, replays a golden-tree
 * script through the search). All references are non-null unless documented otherwise.
 */
package io.rstar4j.mcts;
