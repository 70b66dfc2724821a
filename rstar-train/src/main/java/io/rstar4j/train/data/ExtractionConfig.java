package io.rstar4j.train.data;

import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.PromptTemplate;
import java.util.Objects;

/**
 * The numbers and choices of SFT selection and preference-pair extraction. {@link #reference()}
 * reproduces the reference's scripts ({@code sample_sft_data.py} with n = 2, {@code
 * sample_rm_data.py} with margin 0.5 and edit distance 20).
 *
 * @param sftPerProblem how many correct traces per problem are kept, best first, before the {@code
 *     excludedSubstring} filter (which does not replace dropped traces)
 * @param excludedSubstring a kept SFT response containing this (lower-cased) is dropped
 * @param pairsPerSide how many chosen and how many rejected children a node contributes
 * @param pairsPerSideWhenOtherSingle how many of one side are taken when the other side has a
 *     single child
 * @param minStepMargin the filter keeps a pair whose Q margin is at least this
 * @param minEditDistance the filter keeps a pair whose two steps are at least this many character
 *     edits apart
 * @param grader decides whether an answer leaf is correct for SFT selection
 * @param template the prompt head put before the steps in pair prompts
 */
public record ExtractionConfig(
    int sftPerProblem,
    String excludedSubstring,
    int pairsPerSide,
    int pairsPerSideWhenOtherSingle,
    double minStepMargin,
    int minEditDistance,
    AnswerGrader grader,
    PromptTemplate template) {

  /**
   * Validates.
   *
   * @throws IllegalArgumentException on a negative count or a non-finite margin
   * @throws NullPointerException on a null grader, template or substring
   */
  public ExtractionConfig {
    Objects.requireNonNull(excludedSubstring, "excludedSubstring");
    Objects.requireNonNull(grader, "grader");
    Objects.requireNonNull(template, "template");
    if (sftPerProblem < 0) {
      throw new IllegalArgumentException("sftPerProblem must be >= 0, was " + sftPerProblem);
    }
    if (pairsPerSide < 1 || pairsPerSideWhenOtherSingle < 1) {
      throw new IllegalArgumentException("pairs per side must be >= 1");
    }
    if (!Double.isFinite(minStepMargin)) {
      throw new IllegalArgumentException("minStepMargin must be finite, was " + minStepMargin);
    }
    if (minEditDistance < 0) {
      throw new IllegalArgumentException("minEditDistance must be >= 0, was " + minEditDistance);
    }
  }

  /** The reference's settings with whitespace-insensitive answer equality. */
  public static ExtractionConfig reference() {
    return builder().build();
  }

  /** A builder starting from the reference's settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.sftPerProblem = sftPerProblem;
    b.excludedSubstring = excludedSubstring;
    b.pairsPerSide = pairsPerSide;
    b.pairsPerSideWhenOtherSingle = pairsPerSideWhenOtherSingle;
    b.minStepMargin = minStepMargin;
    b.minEditDistance = minEditDistance;
    b.grader = grader;
    b.template = template;
    return b;
  }

  /** Builds an {@link ExtractionConfig}; each setter validates at once. */
  public static final class Builder {
    private int sftPerProblem = 2;
    private String excludedSubstring = "error";
    private int pairsPerSide = 2;
    private int pairsPerSideWhenOtherSingle = 4;
    private double minStepMargin = 0.5;
    private int minEditDistance = 20;
    private AnswerGrader grader = AnswerGrader.whitespaceInsensitive();
    private PromptTemplate template = PromptTemplate.TRAINING;

    private Builder() {}

    /**
     * @throws IllegalArgumentException if negative
     */
    public Builder sftPerProblem(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("sftPerProblem must be >= 0, was " + n);
      }
      this.sftPerProblem = n;
      return this;
    }

    /**
     * @throws NullPointerException if null
     */
    public Builder excludedSubstring(String s) {
      this.excludedSubstring = Objects.requireNonNull(s, "excludedSubstring");
      return this;
    }

    /**
     * @throws IllegalArgumentException if below 1
     */
    public Builder pairsPerSide(int n, int whenOtherSingle) {
      if (n < 1 || whenOtherSingle < 1) {
        throw new IllegalArgumentException("pairs per side must be >= 1");
      }
      this.pairsPerSide = n;
      this.pairsPerSideWhenOtherSingle = whenOtherSingle;
      return this;
    }

    /**
     * @throws IllegalArgumentException if not finite
     */
    public Builder minStepMargin(double m) {
      if (!Double.isFinite(m)) {
        throw new IllegalArgumentException("minStepMargin must be finite, was " + m);
      }
      this.minStepMargin = m;
      return this;
    }

    /**
     * @throws IllegalArgumentException if negative
     */
    public Builder minEditDistance(int d) {
      if (d < 0) {
        throw new IllegalArgumentException("minEditDistance must be >= 0, was " + d);
      }
      this.minEditDistance = d;
      return this;
    }

    /**
     * @throws NullPointerException if null
     */
    public Builder grader(AnswerGrader g) {
      this.grader = Objects.requireNonNull(g, "grader");
      return this;
    }

    /**
     * @throws NullPointerException if null
     */
    public Builder template(PromptTemplate t) {
      this.template = Objects.requireNonNull(t, "template");
      return this;
    }

    /** The configuration. */
    public ExtractionConfig build() {
      return new ExtractionConfig(
          sftPerProblem,
          excludedSubstring,
          pairsPerSide,
          pairsPerSideWhenOtherSingle,
          minStepMargin,
          minEditDistance,
          grader,
          template);
    }
  }
}
