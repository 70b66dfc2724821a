package io.rstar4j.verify.grade;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.StepFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The MATH answer grader: says whether a predicted final answer equals a gold answer the way math
 * benchmarks grade them.
 *
 * <p>Both answers are taken from their last {@code \boxed{}} when they have one (or the final run
 * of boxes), normalised (LaTeX spacing and sizing commands, fraction macros, {@code \text{}} and
 * units, degrees, percent signs and words, thousands separators and decimal commas, word numbers,
 * relation spellings) and read into a structure: numbers and expressions, assignments and labelled
 * values ({@code x = 5}, {@code (p,q) = (3,2)}, {@code MN = 7}, chains such as {@code t = 3 \cdot 4
 * = 12}), equations, inequalities and intervals (absolute-value bounds included), tuples, sets and
 * solution lists ({@code 1, 2}, {@code x = 1 or x = 2}, {@code \pm}, labelled groups {@code
 * a=1,b=4; a=2,b=3}), matrices, multiple-choice letters and text. The package documentation lists
 * these readings rule by rule; {@link #explain(String, String)} shows the reading of a pair.
 * Numbers are equal within a relative tolerance (1e-4 by default) when either is written as a
 * decimal, and to 1e-9 when both are written exactly (see {@link
 * Builder#toleranceForExactNumbers(boolean)}); a percentage also equals its value divided by 100,
 * but only when one side is written as a percentage; an angle in degrees also equals its value in
 * radians written with pi; expressions with variables are equal when they agree at sample points;
 * equations and inequalities are equal when one is a (positive, for inequalities) multiple of the
 * other after moving everything to one side; intervals keep their open and closed ends. Everything
 * above runs in Java. When a pair cannot be decided that way and a {@link SymbolicBackend} is
 * configured, the back end (sympy) decides.
 *
 * <p>{@link Builder#strictReference(boolean)} switches to the reference implementation's rules (the
 * {@code math_equal} of the Qwen2.5-Math / rStar evaluation, with its {@code strip_string}), false
 * positives included, to reproduce published numbers.
 *
 * <p>Answers longer than 2,000 characters after taking their boxed part are compared as text (white
 * space ignored). Instances are immutable and thread-safe; symmetric: {@code equivalent(a, b) ==
 * equivalent(b, a)}.
 */
public final class MathGrader implements AnswerGrader {

  /** Answers longer than this (after taking the boxed part) are compared as text only. */
  static final int MAX_LENGTH = 2_000;

  private static final java.util.regex.Pattern WHITE = java.util.regex.Pattern.compile("\\s+");
  private static final System.Logger LOG = System.getLogger(MathGrader.class.getName());

  private final boolean strict;
  private final double relativeTolerance;
  private final SymbolicBackend backend;
  private final boolean toleranceForExact;
  private final Equivalence equivalence;
  // parsed answers (gold answers repeat across predictions); null when the cache is off
  private final Cache<String, Answer> answers;

  private MathGrader(Builder b) {
    this.strict = b.strict;
    this.relativeTolerance = b.relativeTolerance;
    this.backend = b.backend;
    this.toleranceForExact = b.toleranceForExact;
    this.equivalence = new Equivalence(relativeTolerance, toleranceForExact, backend);
    this.answers =
        b.cacheSize == 0 ? null : CacheBuilder.newBuilder().maximumSize(b.cacheSize).build();
  }

  /** The default grader: pure Java, no symbolic back end, relative tolerance 1e-4. */
  public static MathGrader standard() {
    return builder().build();
  }

  /** A grader with the reference implementation's rules and no symbolic back end. */
  public static MathGrader strict() {
    return builder().strictReference(true).build();
  }

  /** A new builder with the defaults of {@link #standard()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether this grader follows the reference rules. */
  public boolean isStrict() {
    return strict;
  }

  /** The relative tolerance for numbers. */
  public double relativeTolerance() {
    return relativeTolerance;
  }

  /** The symbolic back end, if one is configured. */
  public Optional<SymbolicBackend> symbolicBackend() {
    return Optional.ofNullable(backend);
  }

  /**
   * The final answer of a solution text: the content of its last {@code \boxed{}} (or {@code
   * \fbox{}}), or the whole text stripped when it has none.
   *
   * @throws NullPointerException if {@code text} is null
   */
  public static String extractAnswer(String text) {
    return StepFormat.extractBoxed(text).orElse(text.strip());
  }

  /**
   * Whether {@code predicted} and {@code gold} denote the same answer. A null on either side is
   * never equal.
   */
  @Override
  public boolean equivalent(String predicted, String gold) {
    if (predicted == null || gold == null) {
      return false;
    }
    if (predicted.equals(gold)) {
      return true;
    }
    // order the pair so that the verdict cannot depend on the order of the arguments
    String a = predicted;
    String b = gold;
    if (a.compareTo(b) > 0) {
      a = gold;
      b = predicted;
    }
    int plain = plainNumbers(a, b);
    if (plain >= 0 && !strict) {
      return plain == 1;
    }
    if (a.length() > MAX_LENGTH || b.length() > MAX_LENGTH) {
      String x = strict ? extractAnswer(a) : Normalizer.boxedAnswer(a);
      String y = strict ? extractAnswer(b) : Normalizer.boxedAnswer(b);
      if (x.length() > MAX_LENGTH || y.length() > MAX_LENGTH) {
        // not a final answer: compare the text, ignoring white space
        return WHITE.matcher(x).replaceAll("").equals(WHITE.matcher(y).replaceAll(""));
      }
      a = x;
      b = y;
      if (a.compareTo(b) > 0) {
        a = y;
        b = x;
      }
    }
    try {
      return decide(a, b);
    } catch (StackOverflowError e) {
      LOG.log(System.Logger.Level.DEBUG, "answers nested too deeply to grade");
      return false;
    }
  }

  private boolean decide(String a, String b) {
    if (strict) {
      return ReferenceGrader.equal(a, b, relativeTolerance, backend)
          || ReferenceGrader.equal(b, a, relativeTolerance, backend);
    }
    return equivalence.equal(read(a), read(b));
  }

  /** Whether {@code predicted} equals any of the gold answers (a list-valued gold answer). */
  @Override
  public boolean matchesAny(String predicted, List<String> golds) {
    return AnswerGrader.super.matchesAny(predicted, golds);
  }

  /**
   * The fast path for two plain decimal numbers ({@code -12}, {@code 0.5}): 1 equal, 0 unequal, -1
   * when either is anything else.
   */
  private int plainNumbers(String a, String b) {
    if (!isPlainNumber(a) || !isPlainNumber(b)) {
      return -1;
    }
    boolean exact = a.indexOf('.') < 0 && b.indexOf('.') < 0;
    if (exact && !toleranceForExact) {
      return canonicalInteger(a).equals(canonicalInteger(b)) ? 1 : 0;
    }
    double x = Double.parseDouble(a);
    double y = Double.parseDouble(b);
    if (x == y) {
      return 1;
    }
    return Math.abs(x - y) <= relativeTolerance * Math.max(Math.abs(x), Math.abs(y)) ? 1 : 0;
  }

  /** An integer without leading zeros or a negative zero. */
  private static String canonicalInteger(String s) {
    boolean negative = s.charAt(0) == '-';
    int i = negative ? 1 : 0;
    while (i < s.length() - 1 && s.charAt(i) == '0') {
      i++;
    }
    String digits = s.substring(i);
    return negative && !digits.equals("0") ? "-" + digits : digits;
  }

  private static boolean isPlainNumber(String s) {
    int n = s.length();
    if (n == 0 || n > 40) {
      return false;
    }
    int i = s.charAt(0) == '-' ? 1 : 0;
    boolean digit = false;
    boolean dot = false;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c == '.' && !dot && i < n - 1) {
        dot = true;
      } else {
        return false;
      }
    }
    return digit;
  }

  private Answer read(String s) {
    if (answers == null) {
      return AnswerReader.read(s);
    }
    Answer a = answers.getIfPresent(s);
    if (a == null) {
      a = AnswerReader.read(s);
      answers.put(s, a);
    }
    return a;
  }

  /**
   * Why {@link #equivalent(String, String) equivalent(predicted, gold)} gives its verdict: how each
   * answer was read (its kind and normalised form) and the rule that decided. The verdict is always
   * the same as {@code equivalent}'s; explaining costs a second reading of both answers and is
   * meant for debugging, not for the grading loop.
   *
   * @param gold the gold answer
   * @param predicted the predicted answer
   * @return the explanation
   * @throws NullPointerException if either answer is null
   */
  public Explanation explain(String gold, String predicted) {
    Objects.requireNonNull(gold, "gold");
    Objects.requireNonNull(predicted, "predicted");
    boolean verdict = equivalent(predicted, gold);
    if (strict) {
      return explainStrict(gold, predicted, verdict);
    }
    Answer g = AnswerReader.read(gold);
    Answer p = AnswerReader.read(predicted);
    Explanation.Reading gr = reading(g);
    Explanation.Reading pr = reading(p);
    if (predicted.equals(gold)) {
      return new Explanation(verdict, gr, pr, "identical", List.of("identical"));
    }
    String a = predicted.compareTo(gold) > 0 ? gold : predicted;
    String b = a == gold ? predicted : gold;
    if (plainNumbers(a, b) >= 0) {
      return new Explanation(verdict, gr, pr, "plain-numbers", List.of("plain-numbers"));
    }
    if (a.length() > MAX_LENGTH || b.length() > MAX_LENGTH) {
      String x = Normalizer.boxedAnswer(a);
      String y = Normalizer.boxedAnswer(b);
      if (x.length() > MAX_LENGTH || y.length() > MAX_LENGTH) {
        return new Explanation(verdict, gr, pr, "long-text", List.of("long-text"));
      }
      a = x.compareTo(y) > 0 ? y : x;
      b = a == x ? y : x;
    }
    Trace trace = new Trace();
    try {
      equivalence.tracing(trace).equal(AnswerReader.read(a), AnswerReader.read(b));
    } catch (StackOverflowError e) {
      return new Explanation(verdict, gr, pr, "nested-too-deeply", List.of("nested-too-deeply"));
    }
    List<String> path = trace.path();
    if (path.isEmpty()) {
      path = List.of("different-kinds");
    }
    return new Explanation(verdict, gr, pr, path.get(0), path);
  }

  private static Explanation.Reading reading(Answer a) {
    return new Explanation.Reading(a.kind(), a.show());
  }

  private Explanation explainStrict(String gold, String predicted, boolean verdict) {
    String[] rule = new String[1];
    if (predicted.equals(gold)) {
      rule[0] = "identical";
    } else if ((gold.length() > MAX_LENGTH || predicted.length() > MAX_LENGTH)
        && (extractAnswer(gold).length() > MAX_LENGTH
            || extractAnswer(predicted).length() > MAX_LENGTH)) {
      rule[0] = "long-text";
    } else {
      String[] first = new String[1];
      boolean forward = ReferenceGrader.equal(predicted, gold, relativeTolerance, backend, first);
      if (forward) {
        rule[0] = first[0];
      } else {
        ReferenceGrader.equal(gold, predicted, relativeTolerance, backend, rule);
        if (!verdict) {
          rule[0] = first[0];
        }
      }
    }
    return new Explanation(
        verdict,
        ReferenceGrader.reading(gold),
        ReferenceGrader.reading(predicted),
        rule[0],
        List.of(rule[0]));
  }

  /** Builds a {@link MathGrader}. Setters validate at once. */
  public static final class Builder {
    private boolean strict;
    private double relativeTolerance = 1e-4;
    private SymbolicBackend backend;
    private int cacheSize = 16_384;
    private boolean toleranceForExact;

    private Builder() {}

    /**
     * Follow the reference implementation's rules (default false).
     *
     * @return this builder
     */
    public Builder strictReference(boolean strict) {
      this.strict = strict;
      return this;
    }

    /**
     * The relative tolerance for numbers (default 1e-4).
     *
     * @return this builder
     * @throws IllegalArgumentException unless {@code 0 <= tolerance < 1}
     */
    public Builder relativeTolerance(double tolerance) {
      if (!(tolerance >= 0 && tolerance < 1)) {
        throw new IllegalArgumentException(
            "relative tolerance must be in [0, 1), was " + tolerance);
      }
      this.relativeTolerance = tolerance;
      return this;
    }

    /**
     * Whether the relative tolerance also applies when both numbers are written exactly (integers,
     * fractions, radicals: no decimal point). By default (false) such pairs must agree to 1e-9, so
     * that {@code 123456} and {@code 123457}, or {@code \frac{4036082}{4036081}} and {@code 1},
     * stay different, while {@code 0.3333} still equals {@code \frac{1}{3}}. The reference applies
     * the tolerance to every pair ({@link #strictReference(boolean)} does too).
     *
     * @return this builder
     */
    public Builder toleranceForExactNumbers(boolean apply) {
      this.toleranceForExact = apply;
      return this;
    }

    /**
     * The symbolic back end for pairs the Java checks cannot decide (default none).
     *
     * @return this builder
     * @throws NullPointerException if {@code backend} is null
     */
    public Builder symbolicBackend(SymbolicBackend backend) {
      if (backend == null) {
        throw new NullPointerException("backend");
      }
      this.backend = backend;
      return this;
    }

    /**
     * How many parsed answers to keep (gold answers repeat across predictions); 0 for none (default
     * 16,384).
     *
     * @return this builder
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public Builder answerCacheSize(int size) {
      if (size < 0) {
        throw new IllegalArgumentException("answer cache size must be >= 0, was " + size);
      }
      this.cacheSize = size;
      return this;
    }

    /** The grader. */
    public MathGrader build() {
      return new MathGrader(this);
    }
  }
}
