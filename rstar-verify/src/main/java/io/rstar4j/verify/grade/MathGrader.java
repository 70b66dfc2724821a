package io.rstar4j.verify.grade;

import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.StepFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The MATH answer grader: says whether a predicted final answer equals a gold answer the way math
 * benchmarks grade them.
 *
 * <p>Both answers are taken from their last {@code \boxed{}} when they have one, normalised (LaTeX
 * spacing and sizing commands, {@code \dfrac}, {@code \text{}} and units, degrees, percent signs,
 * thousands separators, word numbers, relation spellings) and read into a structure: numbers and
 * expressions, assignments ({@code x = 5}, {@code (p,q) = (3,2)}), equations, inequalities and
 * intervals, tuples, sets and solution lists ({@code 1, 2}, {@code x = 1 or x = 2}, {@code \pm}),
 * matrices, multiple-choice letters and text. Numbers are equal within a relative tolerance (1e-4
 * by default) when either is written as a decimal, and to 1e-9 when both are written exactly (see
 * {@link Builder#toleranceForExactNumbers(boolean)}); a percentage also equals its value divided by
 * 100, but only when one side is written as a percentage; an angle in degrees also equals its value
 * in radians written with pi; expressions with variables are equal when they agree at sample
 * points; equations and inequalities are equal when one is a (positive, for inequalities) multiple
 * of the other after moving everything to one side; intervals keep their open and closed ends.
 * Everything above runs in Java. When a pair cannot be decided that way and a {@link
 * SymbolicBackend} is configured, the back end (sympy) decides.
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
  private final int cacheSize;
  private final Equivalence equivalence;
  // two generations of parsed answers: a cheap approximation of an LRU cache
  private volatile ConcurrentHashMap<String, Answer> young = new ConcurrentHashMap<>();
  private volatile ConcurrentHashMap<String, Answer> old = new ConcurrentHashMap<>();

  private MathGrader(Builder b) {
    this.strict = b.strict;
    this.relativeTolerance = b.relativeTolerance;
    this.backend = b.backend;
    this.cacheSize = b.cacheSize;
    this.toleranceForExact = b.toleranceForExact;
    this.equivalence = new Equivalence(relativeTolerance, toleranceForExact, backend);
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
      String x = extractAnswer(a);
      String y = extractAnswer(b);
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
    if (cacheSize == 0) {
      return AnswerReader.read(s);
    }
    Answer a = young.get(s);
    if (a != null) {
      return a;
    }
    a = old.get(s);
    if (a == null) {
      a = AnswerReader.read(s);
    }
    ConcurrentHashMap<String, Answer> y = young;
    if (y.size() >= cacheSize / 2) {
      synchronized (this) {
        if (young == y) {
          old = y;
          young = new ConcurrentHashMap<>();
        }
      }
    }
    young.put(s, a);
    return a;
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
