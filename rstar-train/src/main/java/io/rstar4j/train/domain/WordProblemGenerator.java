package io.rstar4j.train.domain;

import io.rstar4j.core.Problem;
import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.SetOnce;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A seeded generator of multi-step arithmetic word problems in the style of GSM8K: counts of
 * things, money, times and distances; rates and times, prices, percentages (of, increase,
 * decrease), fractions of amounts, unit conversions (dozens, hours and minutes, kilometers and
 * meters, dollars and cents), comparisons between people (more, fewer, times as many, a fraction as
 * many, together, how many more) and distractor facts whose numbers the answer does not need.
 *
 * <p>Difficulty levels 1..8 set the number of operations (1-2 at level 1, 2-3, 3-4, 4-5, 5-6, 5-7,
 * 6-8 and 7-9 at level 8), how many distractor sentences may appear ({@code 1 + (level - 1) / 2},
 * each with the distractor rate) and how large the numbers are (stated counts and amounts up to 20
 * at level 1 and 500 at level 8, cents in prices from level 3; answers grow with the steps).
 * Answers are exact: the story is drawn on exact decimals and every value is kept positive, whole
 * for counts, times and distances, and in whole cents for money, so answers are integers or short
 * decimals.
 *
 * <p>Problem {@code i} depends only on (seed, split, i, its level) and the options, not on how many
 * problems are generated. Its id is {@code PREFIX-SPLIT-NNNNNN}, e.g. {@code arith-train-000123}.
 * With a difficulty range, levels cycle through the range by index (balanced); with a mix, each
 * problem draws its level from the weights.
 *
 * <p>Wording: every operation kind has at least five sentence templates, grouped by what the
 * sentence says and about what (count, money, time, distance). A share of every group is held out
 * of training ({@link Builder#heldOutTemplateShare(double)}, default 0.25): the training split
 * words its problems only with the other templates, and the test split only with the held-out ones,
 * so every sentence of a test problem is phrased in a way training never saw. Which templates are
 * held out depends only on the share, not on the seed, so train and test sets made with different
 * seeds agree.
 */
public final class WordProblemGenerator {
  private final long seed;
  private final Split split;
  private final int count;
  private final int minLevel;
  private final int maxLevel;
  private final Map<Integer, Double> mix;
  private final double heldOutShare;
  private final double distractorRate;
  private final String idPrefix;
  private final Composer composer;

  private WordProblemGenerator(Builder b) {
    this.seed = b.seed;
    this.split = b.split;
    this.count = b.count;
    this.minLevel = b.minLevel;
    this.maxLevel = b.maxLevel;
    this.mix = b.mix == null ? null : Collections.unmodifiableMap(new TreeMap<>(b.mix));
    this.heldOutShare = b.heldOutShare;
    this.distractorRate = b.distractorRate;
    this.idPrefix = b.idPrefix;
    this.composer = new Composer(new Templates.Selection(split, heldOutShare), distractorRate);
  }

  /**
   * A builder with the defaults: seed 1, TRAIN, 100 problems, levels 1..8, share 0.25, rate 0.5.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The seed. */
  public long seed() {
    return seed;
  }

  /** The split. */
  public Split split() {
    return split;
  }

  /** How many problems {@link #generate()} returns. */
  public int count() {
    return count;
  }

  /** The share of each template group held out of training. */
  public double heldOutTemplateShare() {
    return heldOutShare;
  }

  /** The probability of each possible distractor sentence. */
  public double distractorRate() {
    return distractorRate;
  }

  /** The difficulty level of problem {@code index}. */
  public int difficultyOf(int index) {
    Checks.atLeast("index", index, 0);
    if (mix == null) {
      return minLevel + index % (maxLevel - minLevel + 1);
    }
    SplittableRandom rng = new SplittableRandom(Hashing.mix(seed, split.ordinal() + 1, index, 17));
    double total = 0;
    for (double w : mix.values()) {
      total += w;
    }
    double u = rng.nextDouble() * total;
    int last = minLevel;
    for (Map.Entry<Integer, Double> e : mix.entrySet()) {
      last = e.getKey();
      u -= e.getValue();
      if (u < 0 && e.getValue() > 0) {
        return e.getKey();
      }
    }
    return last;
  }

  /**
   * Problem {@code index} of this split (any index, also beyond {@link #count()}).
   *
   * @throws IllegalArgumentException if index is negative
   */
  public WordProblem problem(int index) {
    Checks.atLeast("index", index, 0);
    String id = String.format(java.util.Locale.ROOT, "%s-%s-%06d", idPrefix, split.label(), index);
    int level = difficultyOf(index);
    return composer.compose(id, split, level, Hashing.mix(seed, split.ordinal() + 1, index, level));
  }

  /** Problems {@code 0 .. count-1}. */
  public List<WordProblem> generate() {
    List<WordProblem> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(problem(i));
    }
    return List.copyOf(out);
  }

  /** The {@link Problem}s of {@link #generate()}, for a search or a benchmark file. */
  public List<Problem> problems() {
    List<Problem> out = new ArrayList<>(count);
    for (WordProblem p : generate()) {
      out.add(p.problem());
    }
    return List.copyOf(out);
  }

  /** Builds a {@link WordProblemGenerator}; each option may be set once. */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private long seed = 1;
    private Split split = Split.TRAIN;
    private int count = 100;
    private int minLevel = WordProblem.MIN_DIFFICULTY;
    private int maxLevel = WordProblem.MAX_DIFFICULTY;
    private Map<Integer, Double> mix;
    private double heldOutShare = 0.25;
    private double distractorRate = 0.5;
    private String idPrefix = "arith";

    private Builder() {}

    /**
     * The seed of the random streams (each split draws its own stream from it).
     *
     * @throws IllegalStateException if set before
     */
    public Builder seed(long seed) {
      set.mark("seed");
      this.seed = seed;
      return this;
    }

    /**
     * The split to generate.
     *
     * @throws NullPointerException if split is null
     * @throws IllegalStateException if set before
     */
    public Builder split(Split split) {
      set.mark("split");
      this.split = Objects.requireNonNull(split, "split");
      return this;
    }

    /**
     * How many problems {@link #generate()} returns.
     *
     * @throws IllegalArgumentException if count is negative
     * @throws IllegalStateException if set before
     */
    public Builder count(int count) {
      set.mark("count");
      this.count = Checks.atLeast("count", count, 0);
      return this;
    }

    /**
     * One difficulty level for every problem.
     *
     * @throws IllegalArgumentException if level is outside 1..8
     * @throws IllegalStateException if a difficulty or a mix was set before
     */
    public Builder difficulty(int level) {
      return difficulty(level, level);
    }

    /**
     * A range of levels, cycled through by problem index.
     *
     * @throws IllegalArgumentException if a bound is outside 1..8 or min exceeds max
     * @throws IllegalStateException if a difficulty or a mix was set before
     */
    public Builder difficulty(int min, int max) {
      set.markExclusive("difficulty", "difficulty mix");
      Checks.inRange("min difficulty", min, WordProblem.MIN_DIFFICULTY, WordProblem.MAX_DIFFICULTY);
      Checks.inRange("max difficulty", max, min, WordProblem.MAX_DIFFICULTY);
      this.minLevel = min;
      this.maxLevel = max;
      return this;
    }

    /**
     * Weights of levels (level to a non-negative weight); each problem draws its level from them.
     *
     * @throws IllegalArgumentException if the map is empty, a level is outside 1..8, a weight is
     *     negative or not finite, or all weights are 0
     * @throws IllegalStateException if a difficulty or a mix was set before
     */
    public Builder difficultyMix(Map<Integer, Double> weights) {
      set.markExclusive("difficulty mix", "difficulty");
      Objects.requireNonNull(weights, "weights");
      if (weights.isEmpty()) {
        throw new IllegalArgumentException("difficulty mix must name at least one level");
      }
      double total = 0;
      int lo = Integer.MAX_VALUE;
      for (Map.Entry<Integer, Double> e : weights.entrySet()) {
        Checks.inRange(
            "difficulty mix level",
            Objects.requireNonNull(e.getKey(), "level"),
            WordProblem.MIN_DIFFICULTY,
            WordProblem.MAX_DIFFICULTY);
        total += Checks.finiteNonNegative("difficulty mix weight", e.getValue());
        lo = Math.min(lo, e.getKey());
      }
      if (total <= 0) {
        throw new IllegalArgumentException("difficulty mix weights must not all be 0");
      }
      this.mix = new TreeMap<>(weights);
      this.minLevel = lo;
      return this;
    }

    /**
     * The share of each template group held out of training, in [0, 0.9]: the train split never
     * uses those templates and the test split uses only them. 0 holds nothing out (both splits use
     * every template). Each group keeps at least one template on each side.
     *
     * @throws IllegalArgumentException if share is outside [0, 0.9]
     * @throws IllegalStateException if set before
     */
    public Builder heldOutTemplateShare(double share) {
      set.mark("held-out template share");
      this.heldOutShare = Checks.inRange("held-out template share", share, 0, 0.9);
      return this;
    }

    /**
     * The probability of each possible distractor sentence (a level allows {@code 1 + (level - 1) /
     * 2} of them).
     *
     * @throws IllegalArgumentException if rate is outside [0, 1]
     * @throws IllegalStateException if set before
     */
    public Builder distractorRate(double rate) {
      set.mark("distractor rate");
      this.distractorRate = Checks.inRange("distractor rate", rate, 0, 1);
      return this;
    }

    /**
     * The first part of problem ids (default {@code arith}).
     *
     * @throws IllegalArgumentException if the prefix is blank or holds characters other than
     *     letters, digits, '-' and '_'
     * @throws IllegalStateException if set before
     */
    public Builder idPrefix(String prefix) {
      set.mark("id prefix");
      Checks.nonBlank("id prefix", prefix);
      if (!prefix.matches("[A-Za-z0-9_-]+")) {
        throw new IllegalArgumentException(
            "id prefix must hold only letters, digits, '-' and '_', was '" + prefix + "'");
      }
      this.idPrefix = prefix;
      return this;
    }

    /** The generator. */
    public WordProblemGenerator build() {
      return new WordProblemGenerator(this);
    }
  }
}
