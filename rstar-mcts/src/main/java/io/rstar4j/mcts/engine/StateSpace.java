package io.rstar4j.mcts.engine;

import java.util.List;

/**
 * A state space searched synchronously by {@link Mcts#run(StateSpace, int)}: how a state expands,
 * and (only with {@link EngineOptions#revisitTerminals()}) what a terminal state is worth when a
 * rollout reaches it again.
 *
 * @param <S> the state type
 */
public interface StateSpace<S> {

  /**
   * The children of a state, in order, each with its initial value update. An empty list is an
   * empty expansion (see {@link EngineOptions.EmptyExpansion}).
   *
   * @param state the state to expand
   * @param depth its depth (root 0)
   */
  List<NewChild<S>> expand(S state, int depth);

  /**
   * The value of a terminal state reached again by a rollout (classic MCTS). For a two-player
   * search, from the point of view of the player who moved into it.
   *
   * @throws UnsupportedOperationException by default
   */
  default double evaluate(S terminalState) {
    throw new UnsupportedOperationException(
        "revisitTerminals needs StateSpace.evaluate to value terminal states");
  }
}
