/**
 * The generic MCTS engine ({@code io.rstar4j.mcts.engine}) and rStar's reasoning search on the SPI
 * ({@code io.rstar4j.mcts}). Sees only the SPI: no ONNX Runtime, no GraalPy.
 */
module io.rstar4j.mcts {
  requires transitive io.rstar4j.core;

  exports io.rstar4j.mcts;
  exports io.rstar4j.mcts.engine;
}
