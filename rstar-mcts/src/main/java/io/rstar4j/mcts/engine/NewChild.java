package io.rstar4j.mcts.engine;

import java.util.Objects;

/**
 * One child produced by expanding a node, with the value update it receives when it is created.
 *
 * @param state the child's state
 * @param terminal whether the child is terminal at creation (terminal children are never expanded)
 * @param update how {@code value} is applied: not at all, to the child only, or to the child and
 *     every ancestor up to the root
 * @param value the value applied by {@code update} (ignored for {@link Update#NONE}); for a
 *     two-player search it is from the point of view of the player who moves into the child
 * @param prior the prior probability used by PUCT selection (ignored by UCT)
 * @param <S> the state type
 */
public record NewChild<S>(S state, boolean terminal, Update update, double value, double prior) {

  /** How a new child's value is applied. */
  public enum Update {
    /** No update: the child starts with N = 0, W = 0. */
    NONE,
    /** {@code update(value)} on the child only (node-only initial values). */
    SELF,
    /** {@code update(value)} on the child and on every ancestor up to and including the root. */
    BACKPROP
  }

  /**
   * Validates.
   *
   * @throws NullPointerException if update is null
   * @throws IllegalArgumentException if value or prior is not finite, or prior is negative
   */
  public NewChild {
    Objects.requireNonNull(update, "update");
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("value must be finite, was " + value);
    }
    if (!(prior >= 0) || Double.isInfinite(prior)) {
      throw new IllegalArgumentException("prior must be finite and >= 0, was " + prior);
    }
  }

  /** A non-terminal child without any value (N = 0). */
  public static <S> NewChild<S> of(S state) {
    return new NewChild<>(state, false, Update.NONE, 0.0, 1.0);
  }

  /** A non-terminal child with a node-only initial value. */
  public static <S> NewChild<S> valued(S state, double value) {
    return new NewChild<>(state, false, Update.SELF, value, 1.0);
  }

  /** A terminal child whose value is propagated to the root. */
  public static <S> NewChild<S> terminal(S state, double value) {
    return new NewChild<>(state, true, Update.BACKPROP, value, 1.0);
  }

  /** This child with another prior. */
  public NewChild<S> withPrior(double p) {
    return new NewChild<>(state, terminal, update, value, p);
  }
}
