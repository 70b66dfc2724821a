package io.rstar4j.core.internal;

import java.util.HashSet;
import java.util.Set;

/**
 * The options a builder has been given, so that setting one twice fails at the second setter
 * (Caffeine's {@code requireState(..., "... was already set")}). Values copied in by {@code
 * toBuilder()} or a preset are not marked: only explicit setter calls are.
 */
public final class SetOnce {
  private final Set<String> set = new HashSet<>();

  /**
   * Marks {@code option} as set.
   *
   * @throws IllegalStateException naming the option if it was set before on this builder
   */
  public void mark(String option) {
    if (!set.add(option)) {
      throw new IllegalStateException(option + " was already set");
    }
  }

  /**
   * Marks {@code option} as set, refusing it when a conflicting option was set before.
   *
   * @throws IllegalStateException naming both options if {@code conflicting} was set, or naming
   *     {@code option} if it was set before
   */
  public void markExclusive(String option, String conflicting) {
    if (set.contains(conflicting)) {
      throw new IllegalStateException(
          option + " cannot be set: " + conflicting + " was already set");
    }
    mark(option);
  }

  /** Whether {@code option} was set explicitly. */
  public boolean isSet(String option) {
    return set.contains(option);
  }
}
