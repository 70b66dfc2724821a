/**
 * Golden-tree scripts: {@link io.rstar4j.mcts.script.ScriptedProblem} replays a scripted search
 * problem through real SPI implementations, and {@link io.rstar4j.mcts.script.GoldenTrees} writes
 * and reads the golden node lists the reference's trees are compared with.
 */
package io.rstar4j.mcts.script;
