package io.rstar4j.train.data;

import io.rstar4j.core.PromptTemplate;
import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.SetOnce;
import java.util.Objects;

/**
 * The numbers and choices of SFT selection and preference-pair extraction. {@link #reference()}
 * reproduces the reference's scripts ({@code sample_sft_data.py} with n = 2, {@code
 * sample_rm_data.py} with margin 0.5 and edit distance 20). The answer grader of SFT selection is
 * not part of these rules: the extraction entry points take it ({@link
 * TrainingDataExtractor#TrainingDataExtractor(ExtractionConfig, io.rstar4j.core.AnswerGrader)},
 * {@link SftSelection#select}), and the self-evolution loop passes its own.
 *
 * @param sftPerProblem how many correct traces per problem are kept, best first, before the {@code
 *     excludedSubstring} filter (which does not replace dropped traces), >= 0
 * @param excludedSubstring a kept SFT response containing this (lower-cased) is dropped; empty
 *     drops none
 * @param pairsPerSide how many chosen and how many rejected children a node contributes, >= 1
 * @param pairsPerSideWhenOtherSingle how many of one side are taken when the other side has a
 *     single child, >= 1
 * @param minStepMargin the filter keeps a pair whose Q margin is at least this; finite
 * @param minEditDistance the filter keeps a pair whose two steps are at least this many character
 *     edits apart, >= 0
 * @param template the prompt head put before the steps in pair prompts
 * @param droppedTraces whether an SFT trace dropped by {@code excludedSubstring} leaves its place
 *     empty (the reference) or is replaced by the next best correct trace
 */
public record ExtractionConfig(
    int sftPerProblem,
    String excludedSubstring,
    int pairsPerSide,
    int pairsPerSideWhenOtherSingle,
    double minStepMargin,
    int minEditDistance,
    PromptTemplate template,
    DroppedTraces droppedTraces) {

  /**
   * What becomes of the place of a kept SFT trace that {@link #excludedSubstring()} drops.
   *
   * <p>The reference keeps the best {@link #sftPerProblem()} correct traces and then drops those
   * mentioning {@code error}: a problem whose best traces ran through an error step the search
   * recovered from gets fewer records, or none, although it has clean correct traces further down.
   */
  public enum DroppedTraces {
    /** The reference: keep the best traces, then drop; a dropped trace is not replaced. */
    NOT_REPLACED,
    /** Drop first, then keep the best of the rest: the next best correct trace takes the place. */
    REPLACED
  }

  /**
   * Validates.
   *
   * @throws IllegalArgumentException on a count out of range or a non-finite margin
   * @throws NullPointerException on a null template or substring
   */
  public ExtractionConfig {
    sftPerProblem = checkSftPerProblem(sftPerProblem);
    Objects.requireNonNull(excludedSubstring, "excludedSubstring");
    pairsPerSide = checkPairsPerSide(pairsPerSide);
    pairsPerSideWhenOtherSingle = checkPairsPerSideWhenOtherSingle(pairsPerSideWhenOtherSingle);
    minStepMargin = checkMinStepMargin(minStepMargin);
    minEditDistance = checkMinEditDistance(minEditDistance);
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(droppedTraces, "droppedTraces");
  }

  /** The reference's settings. */
  public static ExtractionConfig reference() {
    return builder().build();
  }

  /**
   * A builder starting from the reference's settings: 2 SFT traces per problem, {@code error}
   * excluded, 2 pairs per side (4 when the other side has one child), margin 0.5, edit distance 20,
   * the training prompt template, dropped SFT traces not replaced.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration (none of its values counts as set). */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.sftPerProblem = sftPerProblem;
    b.excludedSubstring = excludedSubstring;
    b.pairsPerSide = pairsPerSide;
    b.pairsPerSideWhenOtherSingle = pairsPerSideWhenOtherSingle;
    b.minStepMargin = minStepMargin;
    b.minEditDistance = minEditDistance;
    b.template = template;
    b.droppedTraces = droppedTraces;
    return b;
  }

  // Each check is written once: the setters fail fast with it and the constructor applies it.

  private static int checkSftPerProblem(int v) {
    return Checks.atLeast("sftPerProblem", v, 0);
  }

  private static int checkPairsPerSide(int v) {
    return Checks.positive("pairsPerSide", v);
  }

  private static int checkPairsPerSideWhenOtherSingle(int v) {
    return Checks.positive("pairsPerSideWhenOtherSingle", v);
  }

  private static double checkMinStepMargin(double v) {
    return Checks.finite("minStepMargin", v);
  }

  private static int checkMinEditDistance(int v) {
    return Checks.atLeast("minEditDistance", v, 0);
  }

  /**
   * Builder of {@link ExtractionConfig}: every setter validates at once, and setting an option
   * twice fails ("minStepMargin was already set").
   */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private int sftPerProblem = 2;
    private String excludedSubstring = "error";
    private int pairsPerSide = 2;
    private int pairsPerSideWhenOtherSingle = 4;
    private double minStepMargin = 0.5;
    private int minEditDistance = 20;
    private PromptTemplate template = PromptTemplate.TRAINING;
    private DroppedTraces droppedTraces = DroppedTraces.NOT_REPLACED;

    private Builder() {}

    /**
     * Correct traces kept per problem.
     *
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder sftPerProblem(int n) {
      set.mark("sftPerProblem");
      sftPerProblem = checkSftPerProblem(n);
      return this;
    }

    /**
     * The substring that drops a kept SFT response; empty drops none.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder excludedSubstring(String s) {
      set.mark("excludedSubstring");
      excludedSubstring = Objects.requireNonNull(s, "excludedSubstring");
      return this;
    }

    /**
     * Chosen and rejected children per node, and how many when the other side has one.
     *
     * @throws IllegalArgumentException if either is below 1
     * @throws IllegalStateException if already set
     */
    public Builder pairsPerSide(int n, int whenOtherSingle) {
      set.mark("pairsPerSide");
      pairsPerSide = checkPairsPerSide(n);
      pairsPerSideWhenOtherSingle = checkPairsPerSideWhenOtherSingle(whenOtherSingle);
      return this;
    }

    /**
     * The filter's least Q margin.
     *
     * @throws IllegalArgumentException if not finite
     * @throws IllegalStateException if already set
     */
    public Builder minStepMargin(double m) {
      set.mark("minStepMargin");
      minStepMargin = checkMinStepMargin(m);
      return this;
    }

    /**
     * The filter's least edit distance between the two steps.
     *
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder minEditDistance(int d) {
      set.mark("minEditDistance");
      minEditDistance = checkMinEditDistance(d);
      return this;
    }

    /**
     * The prompt head of pair prompts.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder template(PromptTemplate t) {
      set.mark("template");
      template = Objects.requireNonNull(t, "template");
      return this;
    }

    /**
     * Whether an SFT trace dropped by the excluded substring is replaced by the next best one
     * ({@link DroppedTraces#REPLACED}) or not (the reference, {@link DroppedTraces#NOT_REPLACED}).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder droppedTraces(DroppedTraces d) {
      set.mark("droppedTraces");
      droppedTraces = Objects.requireNonNull(d, "droppedTraces");
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
          template,
          droppedTraces);
    }
  }
}
