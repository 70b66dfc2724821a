package io.rstar4j.mcts;

/** The three ways rStar-Math runs its search. */
public enum SearchMode {
  /**
   * Data generation without a reward model: answers are checked against the gold answer and their
   * +1/-1 is propagated to the root (rounds 1-2).
   */
  TERMINAL_GUIDED,
  /**
   * Data generation with a reward model and gold answers: answers as in {@link #TERMINAL_GUIDED};
   * every new non-terminal node starts with one visit valued by the reward model, on itself only
   * (rounds 3-4).
   */
  PPM_AUGMENTED,
  /**
   * Inference: no gold answer; new non-terminal nodes are initialised as in {@link #PPM_AUGMENTED},
   * and answer nodes get the reward model's score, propagated to the root.
   */
  TEST_TIME;

  /** Whether this mode calls the reward model. */
  public boolean usesRewardModel() {
    return this != TERMINAL_GUIDED;
  }

  /** Whether this mode checks answers against gold answers. */
  public boolean usesGold() {
    return this != TEST_TIME;
  }

  /**
   * Parses {@code terminal-guided}, {@code ppm-augmented} or {@code test-time} (case-insensitive).
   */
  public static SearchMode parse(String s) {
    switch (s.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-')) {
      case "terminal-guided":
        return TERMINAL_GUIDED;
      case "ppm-augmented":
        return PPM_AUGMENTED;
      case "test-time":
        return TEST_TIME;
      default:
        throw new IllegalArgumentException(
            "unknown search mode '" + s + "' (terminal-guided, ppm-augmented or test-time)");
    }
  }
}
