/**
 * Golden-tree scripts: {@link io.rstar4j.mcts.script.ScriptedProblem} replays a scripted search
 * problem through real SPI implementations, and {@link io.rstar4j.mcts.script.GoldenTrees} writes
 * and reads the golden node lists the reference's trees are compared with.
 *
 * <p>Test support: ships in the rstar-mcts test jar ({@code <type>test-jar</type>}) with the golden
 * trees themselves ({@code /golden-trees/} on the class path), for the other modules' tests and the
 * {@code rstar mcts-demo} and {@code mcts-replay} commands.
 */
package io.rstar4j.mcts.script;
