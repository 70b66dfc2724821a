package io.rstar4j.train.domain;

import io.rstar4j.core.Generation;
import io.rstar4j.core.Policy;
import io.rstar4j.core.PolicyRequest;
import io.rstar4j.core.Problem;
import io.rstar4j.core.Step;
import io.rstar4j.core.StopReason;
import io.rstar4j.core.Trajectory;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.SetOnce;
import io.rstar4j.core.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bootstrap teacher for the embedded domain, in the role DeepSeek-Coder-V2 plays in round 1 of
 * rStar-Math: a weak policy whose code-augmented steps seed the first round's search. It is a
 * rule-based writer, not a model, and learns nothing.
 *
 * <p>It reads the question text with the domain's grammar (the same sentence templates the {@link
 * WordProblemGenerator} writes with, all of them, both splits) and never looks at a hidden plan, so
 * it works on any question the grammar covers. Sentences it cannot read it skips, as a weak reader
 * does; a question it cannot read at all gets a guess from the numbers it contains. It reads the
 * partial solution too: the variables defined so far (also ones defined wrongly) tell it which step
 * comes next, so it continues its own or another writer's steps coherently.
 *
 * <p>Each candidate is one step in the reference format, ending with its stop string: a code step
 * ({@code <code>} first, {@code #} comment, one Python assignment, {@code <end_of_step>}), the last
 * code step ({@code # Now print the final answer}, {@code print(...)}, {@code <end_of_code>}; the
 * search appends the output) or, after the output, the answer step ({@code <answer>... \boxed{X}
 * <end_of_answer>}, copying the printed value).
 *
 * <p>Mistakes ({@link Mistake}): per step at most one, drawn with probability {@code rate(kind) *
 * (1 + growth * (operations - 1))}, capped at {@link Builder#maxRate(double)}, where {@code
 * operations} is the number of steps the policy's reading of the question has (its own sense of
 * difficulty: it cannot see the level). Every draw depends only on (seed, problem id, partial
 * trajectory text, sample index), never on the other requests of a batch.
 *
 * <p>Token counts in each {@link Generation}: with {@link Builder#tokenizer(Tokenizer)} the
 * tokenizer's ids; otherwise the pieces of the Qwen2 pre-tokenizer split (a word with at most one
 * leading mark, one digit, a run of punctuation, a run of spaces or newlines), each step tag and
 * prompt marker counting as one: close to what a byte-level BPE with single-digit numbers gives.
 */
public final class BootstrapPolicy implements Policy {

  /** The default per-step rates at one operation. */
  public static final Map<Mistake, Double> DEFAULT_RATES = defaults();

  /** The default growth of the rates per operation beyond the first. */
  public static final double DEFAULT_GROWTH = 0.3;

  private static final Pattern PIECES =
      Pattern.compile(
          "<\\|[a-z]+\\|>|<(?:end_of_)?(?:step|code|output|answer)>|"
              + "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}|"
              + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
          Pattern.UNICODE_CHARACTER_CLASS);

  private static final int READING_CACHE = 100_000;

  private final long seed;
  private final Teacher teacher;
  private final Map<Mistake, Double> rates;
  private final double growth;
  private final double maxRate;
  private final Tokenizer tokenizer;
  private final Map<String, Reader.Reading> readings = new ConcurrentHashMap<>();

  private BootstrapPolicy(Builder b) {
    this.seed = b.seed;
    this.rates = Collections.unmodifiableMap(new EnumMap<>(b.rates));
    this.growth = b.growth;
    this.maxRate = b.maxRate;
    this.tokenizer = b.tokenizer;
    this.teacher = new Teacher(rates, growth, maxRate);
  }

  private static Map<Mistake, Double> defaults() {
    Map<Mistake, Double> m = new EnumMap<>(Mistake.class);
    m.put(Mistake.WRONG_OPERATOR, 0.025);
    m.put(Mistake.WRONG_OPERAND, 0.015);
    m.put(Mistake.DROPPED_STEP, 0.01);
    m.put(Mistake.REPEATED_STEP, 0.01);
    m.put(Mistake.PYTHON_ERROR, 0.015);
    m.put(Mistake.PREMATURE_ANSWER, 0.01);
    m.put(Mistake.COPIED_WRONG_NUMBER, 0.015);
    return Collections.unmodifiableMap(m);
  }

  /** A builder with the default rates, growth 0.3, cap 0.9 and seed 0. */
  public static Builder builder() {
    return new Builder();
  }

  /** The seed. */
  public long seed() {
    return seed;
  }

  /** The base rate of each mistake kind (at one operation). */
  public Map<Mistake, Double> rates() {
    return rates;
  }

  /** How the rates grow per operation beyond the first. */
  public double growth() {
    return growth;
  }

  /**
   * The per-step probability of a mistake kind on a question the policy reads as {@code operations}
   * steps.
   *
   * @throws IllegalArgumentException if operations is below 1
   */
  public double rate(Mistake kind, int operations) {
    Objects.requireNonNull(kind, "kind");
    Checks.positive("operations", operations);
    return teacher.rate(kind, operations);
  }

  /**
   * Whether the policy reads a question completely with the domain's grammar (every sentence, and
   * the question asked).
   */
  public boolean canRead(String question) {
    return reading(question).complete();
  }

  @Override
  public List<List<Generation>> propose(List<PolicyRequest> batch) {
    List<List<Generation>> out = new ArrayList<>(batch.size());
    for (PolicyRequest r : batch) {
      List<Teacher.Candidate> cs = candidates(r);
      int promptTokens = count(r.prompt());
      List<Generation> gens = new ArrayList<>(cs.size());
      for (Teacher.Candidate c : cs) {
        gens.add(new Generation(c.text(), StopReason.STOP_STRING, promptTokens, count(c.text())));
      }
      out.add(List.copyOf(gens));
    }
    return List.copyOf(out);
  }

  /**
   * One solution path, run with a verifier: at every step the policy proposes {@code sample + 1}
   * candidates and the path takes the last one (so each sample index gives its own path), code
   * steps are executed, and the path ends at an answer step or after 32 steps.
   *
   * @throws IllegalArgumentException if sample is negative
   */
  public Trajectory rollout(Problem problem, Verifier verifier, int sample) {
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(verifier, "verifier");
    Checks.atLeast("sample", sample, 0);
    Trajectory t = Trajectory.empty();
    for (int depth = 0; depth < 32 && !t.isComplete(); depth++) {
      Generation g = propose(new PolicyRequest(problem, t, sample + 1)).get(sample);
      Step s = g.toStep();
      if (s instanceof Step.Code c) {
        s = c.withOutcome(verifier.executeStep(t, c));
      } else if (!(s instanceof Step.Answer)) {
        t = t.append(s);
        break;
      }
      t = t.append(s);
    }
    return t;
  }

  /** The candidates of one request, with the mistakes they carry (for tests and diagnostics). */
  List<Teacher.Candidate> candidates(PolicyRequest r) {
    Reader.Reading reading = reading(r.problem().question());
    long base =
        Hashing.mix(
            seed, Hashing.of(1, r.problem().id()), Hashing.of(2, r.partial().solutionText()));
    List<Teacher.Candidate> out = new ArrayList<>(r.n());
    for (int i = 0; i < r.n(); i++) {
      SplittableRandom rng = new SplittableRandom(Hashing.mix(base, i));
      out.add(teacher.write(reading, r.partial(), rng));
    }
    return out;
  }

  Reader.Reading reading(String question) {
    Reader.Reading r = readings.get(question);
    if (r == null) {
      r = Reader.read(question);
      if (readings.size() >= READING_CACHE) {
        readings.clear();
      }
      readings.put(question, r);
    }
    return r;
  }

  /** Tokens in a text, by the tokenizer if one was given, else by the documented piece rule. */
  int count(String text) {
    if (tokenizer != null) {
      return tokenizer.encode(text).length;
    }
    int n = 0;
    Matcher m = PIECES.matcher(text);
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** Builds a {@link BootstrapPolicy}; each option may be set once (each kind's rate once). */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private long seed;
    private final Map<Mistake, Double> rates = new EnumMap<>(DEFAULT_RATES);
    private double growth = DEFAULT_GROWTH;
    private double maxRate = 0.9;
    private Tokenizer tokenizer;

    private Builder() {}

    /**
     * The seed of every draw.
     *
     * @throws IllegalStateException if set before
     */
    public Builder seed(long seed) {
      set.mark("seed");
      this.seed = seed;
      return this;
    }

    /**
     * The per-step rate of one mistake kind at one operation.
     *
     * @throws NullPointerException if kind is null
     * @throws IllegalArgumentException if rate is outside [0, 1]
     * @throws IllegalStateException if this kind's rate was set before, or all rates were
     */
    public Builder rate(Mistake kind, double rate) {
      Objects.requireNonNull(kind, "kind");
      set.markExclusive("rate of " + kind, "no mistakes");
      rates.put(kind, Checks.inRange("rate of " + kind, rate, 0, 1));
      return this;
    }

    /**
     * Every rate 0: a teacher that solves every problem its grammar reads.
     *
     * @throws IllegalStateException if a rate was set before, or this was
     */
    public Builder noMistakes() {
      for (Mistake m : Mistake.values()) {
        if (set.isSet("rate of " + m)) {
          throw new IllegalStateException(
              "no mistakes cannot be set: rate of " + m + " was already set");
        }
      }
      set.mark("no mistakes");
      for (Mistake m : Mistake.values()) {
        rates.put(m, 0.0);
      }
      return this;
    }

    /**
     * How the rates grow with the number of operations: rate * (1 + growth * (operations - 1)).
     *
     * @throws IllegalArgumentException if growth is negative or not finite
     * @throws IllegalStateException if set before
     */
    public Builder growth(double growth) {
      set.mark("growth");
      this.growth = Checks.finiteNonNegative("growth", growth);
      return this;
    }

    /**
     * The cap on each kind's grown rate.
     *
     * @throws IllegalArgumentException if outside [0, 1]
     * @throws IllegalStateException if set before
     */
    public Builder maxRate(double cap) {
      set.mark("max rate");
      this.maxRate = Checks.inRange("max rate", cap, 0, 1);
      return this;
    }

    /**
     * Counts tokens with this tokenizer instead of the piece rule.
     *
     * @throws NullPointerException if tokenizer is null
     * @throws IllegalStateException if set before
     */
    public Builder tokenizer(Tokenizer tokenizer) {
      set.mark("tokenizer");
      this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
      return this;
    }

    /**
     * The policy.
     *
     * @throws IllegalArgumentException if the rates at one operation sum to more than 1
     */
    public BootstrapPolicy build() {
      double total = 0;
      for (double r : rates.values()) {
        total += r;
      }
      if (total > 1 + 1e-9) {
        throw new IllegalArgumentException("mistake rates must sum to at most 1, sum to " + total);
      }
      return new BootstrapPolicy(this);
    }
  }
}
