package io.rstar4j.train.domain;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.Generation;
import io.rstar4j.core.Policy;
import io.rstar4j.core.PolicyRequest;
import io.rstar4j.core.Problem;
import io.rstar4j.core.RewardModel;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.SetOnce;
import io.rstar4j.mcts.Baselines;
import io.rstar4j.mcts.ReasoningSearch;
import io.rstar4j.mcts.ScoredAnswer;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.mcts.SearchResult;
import io.rstar4j.train.evolve.PolicyTrainer;
import io.rstar4j.train.evolve.RoundSummary;
import io.rstar4j.train.evolve.SelfEvolution;
import io.rstar4j.train.ppm.BackboneSettings;
import io.rstar4j.train.ppm.EpochReport;
import io.rstar4j.train.ppm.ProcessPreferenceModel;
import io.rstar4j.train.ppm.TrainingConfig;
import io.rstar4j.train.ppm.TrainingListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * rStar-Math's self-evolution on the embedded word-problem domain, measured round by round.
 *
 * <p>Round 1 searches the training problems with the {@link BootstrapPolicy} (terminal-guided);
 * every round's SFT records go to the {@link PolicyTrainer} (for example the ONNX Runtime policy
 * trainer, which exports the round's policy to {@code OUT/round-r/policy/}), and the round's pairs
 * train a PPM when a backbone is configured. Round {@code r > 1} searches with the policy round
 * {@code r - 1} exported, opened by the {@link PolicyOpener}; while no round exported one, the
 * bootstrap policy searches again (and the log says so). The rounds themselves are {@link
 * SelfEvolution}'s, so every stage is resumable in the same way.
 *
 * <p>After each round the round is measured on the test split (its own seed and held-out templates)
 * and one {@link RoundRow} is written to {@code OUT/round-r/eval.json} (a rerun reads it back) and
 * the whole table to {@code OUT/summary.json}:
 *
 * <ul>
 *   <li>{@code solved_share}: training problems the round's search solved (the paper's Table 2);
 *   <li>{@code policy_greedy_accuracy}: the round's policy alone, one greedy solution per problem
 *       (Table 3);
 *   <li>{@code ppm_search_accuracy}: test-time MCTS with the round-1 policy guided by the round's
 *       PPM (Table 4); null when the round trained no PPM;
 *   <li>{@code system_accuracy}: test-time MCTS with the round's policy and PPM (Table 6); null
 *       without a PPM;
 *   <li>{@code majority_accuracy}: the round's policy, majority vote over k sampled solutions, k
 *       chosen so that the generated tokens match the system search's (or the test rollouts when
 *       there is no system search);
 *   <li>{@code sft_records}, {@code pairs}: what the round extracted;
 *   <li>{@code ppm_heldout_pairwise_accuracy}: the PPM's pairwise accuracy on the pairs its
 *       training held out (by question), from its best epoch; null without a PPM;
 *   <li>{@code seconds}: the round's wall time, measurement included (0 for a round only read back
 *       before the measurement existed).
 * </ul>
 *
 * <p>Nothing is scripted: every figure comes from the searches and models of the run.
 */
public final class DomainEvolution {
  private static final System.Logger LOG = System.getLogger(DomainEvolution.class.getName());

  /** The table's file in the output directory. */
  public static final String SUMMARY_FILE = "summary.json";

  /** A round's measurement in its directory. */
  public static final String EVAL_FILE = "eval.json";

  /** Opens a policy exported to a directory (a trained round's {@code policy/}). */
  @FunctionalInterface
  public interface PolicyOpener {
    /**
     * Opens the policy in {@code dir}.
     *
     * @param dir the export
     * @param temperature the sampling temperature (0 for greedy decoding)
     * @throws IOException when it cannot be opened
     */
    Policy open(Path dir, double temperature) throws IOException;
  }

  /** Opens a trained PPM directory as a reward model. */
  @FunctionalInterface
  public interface RewardModelOpener {
    /**
     * Opens the PPM in {@code dir}.
     *
     * @throws IOException when it cannot be opened
     */
    RewardModel open(Path dir) throws IOException;
  }

  /**
   * One row of the round table; accuracies are shares of the test problems, null where not measured
   * (see the class comment).
   */
  public record RoundRow(
      int round,
      double solvedShare,
      Double policyGreedyAccuracy,
      Double ppmSearchAccuracy,
      Double systemAccuracy,
      Double majorityAccuracy,
      long sftRecords,
      long pairs,
      Double ppmHeldoutPairwiseAccuracy,
      double seconds) {

    /** The row as JSON, keys in the summary's order. */
    public JsonObject toJson() {
      JsonObject o = new JsonObject();
      o.addProperty("round", round);
      o.addProperty("solved_share", round4(solvedShare));
      o.add("policy_greedy_accuracy", num(policyGreedyAccuracy));
      o.add("ppm_search_accuracy", num(ppmSearchAccuracy));
      o.add("system_accuracy", num(systemAccuracy));
      o.add("majority_accuracy", num(majorityAccuracy));
      o.addProperty("sft_records", sftRecords);
      o.addProperty("pairs", pairs);
      o.add("ppm_heldout_pairwise_accuracy", num(ppmHeldoutPairwiseAccuracy));
      o.addProperty("seconds", Math.round(seconds * 10) / 10.0);
      return o;
    }

    static RoundRow fromJson(JsonObject o) {
      return new RoundRow(
          o.get("round").getAsInt(),
          o.get("solved_share").getAsDouble(),
          opt(o, "policy_greedy_accuracy"),
          opt(o, "ppm_search_accuracy"),
          opt(o, "system_accuracy"),
          opt(o, "majority_accuracy"),
          o.get("sft_records").getAsLong(),
          o.get("pairs").getAsLong(),
          opt(o, "ppm_heldout_pairwise_accuracy"),
          o.get("seconds").getAsDouble());
    }

    private static Double opt(JsonObject o, String key) {
      JsonElement e = o.get(key);
      return e == null || e.isJsonNull() ? null : e.getAsDouble();
    }

    private static JsonElement num(Double v) {
      return v == null || v.isNaN() ? JsonNull.INSTANCE : new JsonPrimitive(round4(v));
    }

    private static double round4(double v) {
      return Math.round(v * 10000) / 10000.0;
    }
  }

  private final List<Problem> train;
  private final List<Problem> test;
  private final BootstrapPolicy bootstrap;
  private final Verifier verifier;
  private final AnswerGrader grader;
  private final PolicyTrainer policyTrainer;
  private final PolicyOpener policyOpener;
  private final RewardModelOpener ppmOpener;
  private final Path backboneDir;
  private final BackboneSettings backboneSettings;
  private final TrainingConfig training;
  private final IntFunction<SearchConfig> roundConfigs;
  private final IntUnaryOperator hardRollouts;
  private final int testRollouts;
  private final int batchProblems;
  private final double temperature;
  private final SelfEvolution.Listener listener;

  private DomainEvolution(Builder b) {
    this.train = List.copyOf(b.train);
    this.test = List.copyOf(b.test);
    this.bootstrap = b.bootstrap;
    this.verifier = b.verifier;
    this.grader = b.grader;
    this.policyTrainer = b.policyTrainer;
    this.policyOpener = b.policyOpener;
    this.ppmOpener = b.ppmOpener;
    this.backboneDir = b.backboneDir;
    this.backboneSettings = b.backboneSettings;
    this.training = b.training;
    this.roundConfigs = b.roundConfigs;
    this.hardRollouts = b.hardRollouts;
    this.testRollouts = b.testRollouts;
    this.batchProblems = b.batchProblems;
    this.temperature = b.temperature;
    this.listener = b.listener;
  }

  /** A builder; training and test problems, a verifier and a grader are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The search configuration of a round scaled to the demo: the reference's preset of the round
   * ({@link SelfEvolution#presetFor}) with {@code rollouts} rollouts in round 1, twice as many in
   * round 2 and later ("more rollouts"), and {@code candidates} candidates.
   *
   * @throws IllegalArgumentException if rollouts or candidates is below 1
   */
  public static IntFunction<SearchConfig> scaledPresets(int rollouts, int candidates) {
    Checks.atLeast("rollouts", rollouts, 1);
    Checks.atLeast("candidates", candidates, 1);
    return r ->
        SelfEvolution.presetFor(r).toBuilder()
            .rollouts(r == 1 ? rollouts : 2 * rollouts)
            .candidates(candidates)
            .build();
  }

  /**
   * Runs rounds 1 to {@code rounds} (complete rounds are read back), measuring each, and writes
   * {@code OUT/summary.json} after every round.
   *
   * @return the table, one row per round
   * @throws IllegalArgumentException if rounds is below 1, or a round needs a PPM and no backbone
   *     is configured
   * @throws IOException when a file cannot be read or written, or a trainer fails
   */
  public List<RoundRow> run(int rounds, Path outDir) throws IOException {
    Checks.atLeast("rounds", rounds, 1);
    Files.createDirectories(outDir);
    List<RoundRow> rows = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      Path dir = SelfEvolution.roundDir(outDir, r);
      Optional<RoundRow> saved = readRow(dir);
      if (saved.isPresent()) {
        rows.add(saved.get());
        writeSummary(outDir, rows);
        continue;
      }
      long start = System.nanoTime();
      double[] heldOut = {Double.NaN, Double.POSITIVE_INFINITY};
      SelfEvolution evolution = evolution(outDir, heldOut);
      List<RoundSummary> summaries = evolution.run(train, r, outDir);
      RoundSummary s = summaries.get(summaries.size() - 1);
      // the row as written (rounded), so that a rerun reads back an equal one
      RoundRow row = RoundRow.fromJson(measure(outDir, r, s, heldOut[0], start).toJson());
      writeJson(dir.resolve(EVAL_FILE), row.toJson());
      rows.add(row);
      writeSummary(outDir, rows);
    }
    return List.copyOf(rows);
  }

  private SelfEvolution evolution(Path outDir, double[] heldOut) {
    SelfEvolution.Builder b =
        SelfEvolution.builder()
            .policies(round -> searchPolicy(outDir, round))
            .verifier(verifier)
            .grader(grader)
            .batchProblems(batchProblems)
            .roundConfigs(roundConfigs)
            .hardProblemRollouts(hardRollouts)
            .policyTrainer(policyTrainer)
            .listener(
                new SelfEvolution.Listener() {
                  @Override
                  public void onRoundStart(int round, SearchConfig config) {
                    listener.onRoundStart(round, config);
                  }

                  @Override
                  public void onProgress(int round, io.rstar4j.train.evolve.SolveProgress p) {
                    listener.onProgress(round, p);
                  }

                  @Override
                  public TrainingListener onPpmTraining(int round) {
                    TrainingListener inner = listener.onPpmTraining(round);
                    return new TrainingListener() {
                      @Override
                      public void onFeatures(long done, long total) {
                        inner.onFeatures(done, total);
                      }

                      @Override
                      public void onStart(long total, long done, int trainPairs, int held) {
                        inner.onStart(total, done, trainPairs, held);
                      }

                      @Override
                      public void onStep(int e, long step, long total, double loss, double acc) {
                        inner.onStep(e, step, total, loss, acc);
                      }

                      @Override
                      public void onEpoch(EpochReport report) {
                        // the trainer keeps the head of the lowest held-out loss
                        if (!Double.isNaN(report.heldOutLoss())
                            && report.heldOutLoss() < heldOut[1]) {
                          heldOut[0] = report.heldOutAccuracy();
                          heldOut[1] = report.heldOutLoss();
                        }
                        inner.onEpoch(report);
                      }
                    };
                  }

                  @Override
                  public void onRoundDone(RoundSummary summary) {
                    listener.onRoundDone(summary);
                  }
                });
    if (training != null) {
      b.ppmTraining(training);
    }
    if (backboneDir != null) {
      b.ppmBackbone(backboneDir, backboneSettings);
    }
    return b.build();
  }

  /** The policy exported by round {@code round}, if it exported one. */
  private static Optional<Path> trainedPolicy(Path outDir, int round) {
    Path dir = SelfEvolution.roundDir(outDir, round).resolve("policy");
    return Files.isRegularFile(dir.resolve("model.onnx")) ? Optional.of(dir) : Optional.empty();
  }

  /** The policy round {@code round} searches with. */
  private Policy searchPolicy(Path outDir, int round) throws IOException {
    return policyAfter(outDir, round - 1, temperature, true);
  }

  /**
   * The policy after round {@code round} (its export, or the latest earlier one, or the bootstrap
   * policy); round 0 is the bootstrap policy.
   */
  private Policy policyAfter(Path outDir, int round, double temp, boolean log) throws IOException {
    for (int r = round; r >= 1; r--) {
      Optional<Path> dir = trainedPolicy(outDir, r);
      if (dir.isPresent() && policyOpener != null) {
        if (log) {
          LOG.log(System.Logger.Level.INFO, "round {0}: the policy of {1}", round + 1, dir.get());
        }
        return policyOpener.open(dir.get(), temp);
      }
    }
    if (log && round >= 1) {
      LOG.log(
          System.Logger.Level.WARNING,
          "round {0}: no earlier round exported a policy (or no policy opener is configured):"
              + " the bootstrap policy searches again",
          round + 1);
    }
    return unclosable(bootstrap);
  }

  private RoundRow measure(Path outDir, int round, RoundSummary s, double heldOut, long start)
      throws IOException {
    double solvedShare = s.problems() == 0 ? 0 : (double) s.solved() / s.problems();
    SearchConfig testConfig =
        SearchConfig.testTime().toBuilder()
            .rollouts(testRollouts)
            .candidates(roundConfigs.apply(round).candidates())
            .build();
    int maxDepth = 16;
    int errors = testConfig.errorsThreshold();
    Double greedy;
    double tokensPerSample;
    try (Policy greedyPolicy = policyAfter(outDir, round, 0.0, false)) {
      CountingPolicy counted = new CountingPolicy(greedyPolicy);
      int correct = 0;
      for (Problem p : test) {
        Baselines.Result r =
            Baselines.bestOfN(
                p, counted, verifier, null, grader, 1, maxDepth, errors, Baselines.Choice.MAJORITY);
        correct += graded(r.answer(), p) ? 1 : 0;
      }
      greedy = share(correct);
      tokensPerSample = Math.max(1.0, (double) counted.tokens.get() / Math.max(1, test.size()));
    }
    Double system = null;
    Double ppmSearch = null;
    double systemTokensPerProblem = Double.NaN;
    Path ppmDir = s.ppm();
    if (ppmDir != null && ppmOpener != null) {
      try (RewardModel ppm = ppmOpener.open(ppmDir)) {
        try (Policy policy = policyAfter(outDir, round, temperature, false)) {
          CountingPolicy counted = new CountingPolicy(policy);
          system = share(searchCorrect(counted, ppm, testConfig));
          systemTokensPerProblem = (double) counted.tokens.get() / Math.max(1, test.size());
        }
        try (Policy first = policyAfter(outDir, 1, temperature, false)) {
          ppmSearch = share(searchCorrect(first, ppm, testConfig));
        }
      }
    }
    int k =
        Double.isNaN(systemTokensPerProblem)
            ? testRollouts
            : (int) Math.max(1, Math.round(systemTokensPerProblem / tokensPerSample));
    Double majority;
    try (Policy policy = policyAfter(outDir, round, temperature, false)) {
      int correct = 0;
      for (Problem p : test) {
        Baselines.Result r =
            Baselines.bestOfN(
                p, policy, verifier, null, grader, k, maxDepth, errors, Baselines.Choice.MAJORITY);
        correct += graded(r.answer(), p) ? 1 : 0;
      }
      majority = share(correct);
    }
    LOG.log(
        System.Logger.Level.INFO,
        "round {0}: measured on {1} test problems (maj@{2})",
        round,
        test.size(),
        k);
    double seconds = (System.nanoTime() - start) / 1e9;
    return new RoundRow(
        round,
        solvedShare,
        greedy,
        ppmSearch,
        system,
        majority,
        s.sftRecords(),
        s.pairs(),
        Double.isNaN(heldOut) ? null : heldOut,
        seconds);
  }

  private int searchCorrect(Policy policy, RewardModel ppm, SearchConfig config) {
    ReasoningSearch search =
        ReasoningSearch.builder(policy, verifier)
            .grader(grader)
            .rewardModel(ppm)
            .config(config)
            .build();
    int correct = 0;
    for (int i = 0; i < test.size(); i += batchProblems) {
      List<Problem> group = test.subList(i, Math.min(test.size(), i + batchProblems));
      List<SearchResult> results = search.searchAll(group).results();
      for (int j = 0; j < group.size(); j++) {
        correct += graded(results.get(j).bestAnswer(), group.get(j)) ? 1 : 0;
      }
    }
    return correct;
  }

  private boolean graded(Optional<ScoredAnswer> answer, Problem p) {
    return answer.isPresent() && grader.matchesAny(answer.get().answer(), p.goldAnswers());
  }

  private Double share(int correct) {
    return test.isEmpty() ? null : (double) correct / test.size();
  }

  /** Formats the table for a terminal, one line per round under a header. */
  public static String table(List<RoundRow> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%5s %7s %7s %7s %7s %7s %7s %7s %7s %8s%n",
            "round",
            "solved",
            "greedy",
            "ppm-mc",
            "system",
            "maj@k",
            "sft",
            "pairs",
            "ppm-acc",
            "seconds"));
    for (RoundRow r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%5d %7s %7s %7s %7s %7s %7d %7d %7s %8.1f%n",
              r.round(),
              pct(r.solvedShare()),
              pct(r.policyGreedyAccuracy()),
              pct(r.ppmSearchAccuracy()),
              pct(r.systemAccuracy()),
              pct(r.majorityAccuracy()),
              r.sftRecords(),
              r.pairs(),
              pct(r.ppmHeldoutPairwiseAccuracy()),
              r.seconds()));
    }
    return sb.toString();
  }

  private static String pct(Double v) {
    return v == null || v.isNaN() ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }

  private static Optional<RoundRow> readRow(Path dir) throws IOException {
    Path f = dir.resolve(EVAL_FILE);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          RoundRow.fromJson(
              JsonParser.parseString(Files.readString(f, StandardCharsets.UTF_8))
                  .getAsJsonObject()));
    } catch (RuntimeException e) {
      throw new IOException(
          f + ": not a round measurement (" + e.getMessage() + "); delete it to measure again", e);
    }
  }

  private static void writeSummary(Path outDir, List<RoundRow> rows) throws IOException {
    JsonArray a = new JsonArray();
    for (RoundRow r : rows) {
      a.add(r.toJson());
    }
    writeJson(outDir.resolve(SUMMARY_FILE), a);
  }

  private static void writeJson(Path file, JsonElement e) throws IOException {
    String text = new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(e) + "\n";
    Path tmp =
        Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName() + ".", ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static Policy unclosable(Policy p) {
    return new Policy() {
      @Override
      public List<List<Generation>> propose(List<PolicyRequest> batch) {
        return p.propose(batch);
      }
    };
  }

  /** Counts the completion tokens a policy generates. */
  private static final class CountingPolicy implements Policy {
    final Policy inner;
    final AtomicLong tokens = new AtomicLong();

    CountingPolicy(Policy inner) {
      this.inner = inner;
    }

    @Override
    public List<List<Generation>> propose(List<PolicyRequest> batch) {
      List<List<Generation>> out = inner.propose(batch);
      for (List<Generation> gs : out) {
        for (Generation g : gs) {
          tokens.addAndGet(Math.max(1, g.completionTokens()));
        }
      }
      return out;
    }
  }

  /**
   * Builder of {@link DomainEvolution}: every setter validates at once and setting an option twice
   * fails.
   */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private List<Problem> train;
    private List<Problem> test;
    private BootstrapPolicy bootstrap = BootstrapPolicy.builder().build();
    private Verifier verifier;
    private AnswerGrader grader;
    private PolicyTrainer policyTrainer = PolicyTrainer.unchanged();
    private PolicyOpener policyOpener;
    private RewardModelOpener ppmOpener = ProcessPreferenceModel::load;
    private Path backboneDir;
    private BackboneSettings backboneSettings;
    private TrainingConfig training;
    private IntFunction<SearchConfig> roundConfigs = scaledPresets(8, 5);
    private IntUnaryOperator hardRollouts = r -> 0;
    private int testRollouts = 8;
    private int batchProblems = 16;
    private double temperature = 1.0;
    private SelfEvolution.Listener listener = new SelfEvolution.Listener() {};

    private Builder() {}

    /**
     * The training problems (each with a gold answer), e.g. {@link WordProblemGenerator#problems()}
     * of the training split.
     *
     * @throws IllegalArgumentException if empty
     */
    public Builder trainProblems(List<Problem> problems) {
      set.mark("trainProblems");
      if (problems.isEmpty()) {
        throw new IllegalArgumentException("trainProblems must not be empty");
      }
      this.train = List.copyOf(problems);
      return this;
    }

    /** The test problems the rounds are measured on (may be empty: no accuracies). */
    public Builder testProblems(List<Problem> problems) {
      set.mark("testProblems");
      this.test = List.copyOf(problems);
      return this;
    }

    /** The round-1 teacher (default: {@link BootstrapPolicy} with its default rates). */
    public Builder bootstrap(BootstrapPolicy p) {
      set.mark("bootstrap");
      this.bootstrap = Objects.requireNonNull(p, "bootstrap");
      return this;
    }

    /** The verifier running code steps (required; not closed by this class). */
    public Builder verifier(Verifier v) {
      set.mark("verifier");
      this.verifier = Objects.requireNonNull(v, "verifier");
      return this;
    }

    /** The answer grader (required). */
    public Builder grader(AnswerGrader g) {
      set.mark("grader");
      this.grader = Objects.requireNonNull(g, "grader");
      return this;
    }

    /**
     * The policy trainer of every round (default: none, the policy stays the bootstrap policy). A
     * trainer that exports to {@code ROUND_DIR/policy/} gives the next round its policy.
     */
    public Builder policyTrainer(PolicyTrainer t) {
      set.mark("policyTrainer");
      this.policyTrainer = Objects.requireNonNull(t, "policyTrainer");
      return this;
    }

    /** Opens a round's exported policy (default: none, so exports are not used). */
    public Builder policyOpener(PolicyOpener o) {
      set.mark("policyOpener");
      this.policyOpener = Objects.requireNonNull(o, "policyOpener");
      return this;
    }

    /** Opens a round's PPM for the measurement (default {@link ProcessPreferenceModel#load}). */
    public Builder ppmOpener(RewardModelOpener o) {
      set.mark("ppmOpener");
      this.ppmOpener = Objects.requireNonNull(o, "ppmOpener");
      return this;
    }

    /** The PPM backbone (see {@link SelfEvolution.Builder#ppmBackbone}); without one no PPM. */
    public Builder ppmBackbone(Path dir, BackboneSettings settings) {
      set.mark("ppmBackbone");
      this.backboneDir = Objects.requireNonNull(dir, "dir");
      this.backboneSettings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** PPM training settings (SelfEvolution's default otherwise). */
    public Builder ppmTraining(TrainingConfig c) {
      set.mark("ppmTraining");
      this.training = Objects.requireNonNull(c, "ppmTraining");
      return this;
    }

    /** Each round's search configuration (default {@link #scaledPresets scaledPresets(8, 5)}). */
    public Builder roundConfigs(IntFunction<SearchConfig> f) {
      set.mark("roundConfigs");
      this.roundConfigs = Objects.requireNonNull(f, "roundConfigs");
      return this;
    }

    /** Rollouts for the problems a round left unsolved (default none). */
    public Builder hardProblemRollouts(IntUnaryOperator f) {
      set.mark("hardProblemRollouts");
      this.hardRollouts = Objects.requireNonNull(f, "hardProblemRollouts");
      return this;
    }

    /**
     * Rollouts of the test-time searches of the measurement (default 8).
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder testRollouts(int n) {
      set.mark("testRollouts");
      this.testRollouts = Checks.atLeast("testRollouts", n, 1);
      return this;
    }

    /**
     * Problems searched together in lock-step (default 16).
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder batchProblems(int n) {
      set.mark("batchProblems");
      this.batchProblems = Checks.atLeast("batchProblems", n, 1);
      return this;
    }

    /**
     * The sampling temperature trained policies search with (default 1).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder temperature(double t) {
      set.mark("temperature");
      if (!(t >= 0)) {
        throw new IllegalArgumentException("temperature must be >= 0, was " + t);
      }
      this.temperature = t;
      return this;
    }

    /** Told of the rounds' progress. */
    public Builder listener(SelfEvolution.Listener l) {
      set.mark("listener");
      this.listener = Objects.requireNonNull(l, "listener");
      return this;
    }

    /**
     * Builds.
     *
     * @throws IllegalStateException if training problems, a verifier or a grader is missing
     */
    public DomainEvolution build() {
      if (train == null || verifier == null || grader == null) {
        throw new IllegalStateException("trainProblems, verifier and grader are required");
      }
      if (test == null) {
        test = List.of();
      }
      return new DomainEvolution(this);
    }
  }
}
