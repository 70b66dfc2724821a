package io.rstar4j.train.domain;

import java.util.Locale;

/**
 * Which part of the embedded domain a problem belongs to. The two splits draw problems from
 * different random streams and word them with disjoint template sets (see {@link
 * WordProblemGenerator.Builder#heldOutTemplateShare(double)}).
 */
public enum Split {
  /** Problems for search, SFT data and preference pairs. */
  TRAIN,
  /** Problems for evaluation, worded only with templates that training never sees. */
  TEST;

  /** The split's name in problem ids: {@code train} or {@code test}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
