package io.rstar4j.train.evolve;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.Policy;
import io.rstar4j.core.Problem;
import io.rstar4j.core.RewardModel;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.tokenizer.Tokenizer;
import io.rstar4j.core.tokenizer.Tokenizers;
import io.rstar4j.mcts.ReasoningSearch;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.mcts.SearchMode;
import io.rstar4j.train.data.ExtractionConfig;
import io.rstar4j.train.data.ExtractionSummary;
import io.rstar4j.train.data.PairFile;
import io.rstar4j.train.data.TrainingDataExtractor;
import io.rstar4j.train.ppm.Backbone;
import io.rstar4j.train.ppm.BackboneSettings;
import io.rstar4j.train.ppm.PpmTrainer;
import io.rstar4j.train.ppm.ProcessPreferenceModel;
import io.rstar4j.train.ppm.TrainingConfig;
import io.rstar4j.train.ppm.TrainingListener;
import io.rstar4j.train.ppm.TrainingResult;
import io.rstar4j.train.ppm.ValueHead;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * rStar-Math's self-evolution loop, round by round, resumable.
 *
 * <p>Round {@code r} lives in {@code OUT/round-r/}: {@code trees.jsonl} (one saved search tree per
 * problem), {@code sft.jsonl} (SFT records), {@code pairs.jsonl} (PPM preference pairs), {@code
 * ppm/} (the PPM trained on those pairs) and {@code round.json} (the round's status). A round runs:
 *
 * <ol>
 *   <li>the reasoning search over every problem with the round's configuration ({@link
 *       #presetFor(int)}: round 1 the bootstrap preset, round 2 terminal-guided, round 3 on
 *       PPM-augmented with the latest PPM an earlier round trained), streaming trees;
 *   <li>optionally a second search with more rollouts of the problems left unsolved ({@link
 *       Builder#hardProblemRollouts}), saved to {@code trees-hard.jsonl};
 *   <li>extraction of SFT records and preference pairs from the trees;
 *   <li>PPM training on the pairs with {@link PpmTrainer} (when a backbone is configured and the
 *       round has pairs);
 *   <li>the {@link PolicyTrainer} hook on the SFT records (default: none, the policy stays).
 * </ol>
 *
 * <p>Every stage records its completion in {@code round.json}; a rerun skips complete rounds and
 * stages, resumes the search at the first problem without a saved tree and PPM training from its
 * checkpoint. A round run on another problem set (ids differ) is reopened: the new problems are
 * searched (saved trees are kept) and the later stages redone.
 *
 * <p>{@code round.json} holds {@code round}, {@code stage} ({@code started}, {@code searched},
 * {@code hard}, {@code extracted}, {@code ppm}, {@code done}), {@code complete}, {@code mode},
 * {@code config} (rollouts, candidates, max_depth, c, errors_threshold), {@code problem_set},
 * {@code problems}, {@code solved}, {@code unsolved} (ids after the first search), {@code
 * hard_problems}, {@code hard_rollouts}, {@code hard_solved}, {@code trees}, {@code sft_records},
 * {@code pairs}, {@code ppm} (the trained PPM's directory relative to the round's, or null), {@code
 * ppm_used} (the PPM the search used, relative to the output directory, or {@code untrained}) and
 * {@code policy_update}.
 */
public final class SelfEvolution {
  private static final System.Logger LOG = System.getLogger(SelfEvolution.class.getName());

  /** The status file of a round directory. */
  public static final String STATUS_FILE = "round.json";

  private static final List<String> STAGES =
      List.of("started", "searched", "hard", "extracted", "ppm", "done");

  private final PolicySource policies;
  private final boolean closePolicies;
  private final Verifier verifier;
  private final AnswerGrader grader;
  private final Path backboneDir;
  private final BackboneSettings backboneSettings;
  private final TrainingConfig training;
  private final ExtractionConfig extraction;
  private final IntFunction<SearchConfig> roundConfigs;
  private final PolicyTrainer policyTrainer;
  private final int batchProblems;
  private final java.util.function.IntUnaryOperator hardRollouts;
  private final Function<Path, Tokenizer> tokenizers;
  private final Listener listener;

  private SelfEvolution(Builder b) {
    this.policies = b.policies;
    this.closePolicies = b.closePolicies;
    this.verifier = b.verifier;
    this.grader = b.grader;
    this.backboneDir = b.backboneDir;
    this.backboneSettings = b.backboneSettings;
    this.training = b.training;
    this.extraction = b.extraction;
    this.roundConfigs = b.roundConfigs;
    this.policyTrainer = b.policyTrainer;
    this.batchProblems = b.batchProblems;
    this.hardRollouts = b.hardRollouts;
    this.tokenizers = b.tokenizers;
    this.listener = b.listener;
  }

  /** A builder; a policy (or policy source) and a verifier are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The reference's search preset of a round: 1 {@link SearchConfig#bootstrapRound()}, 2 {@link
   * SearchConfig#terminalGuidedRound()}, 3 and later {@link SearchConfig#ppmAugmentedRound()}.
   *
   * @throws IllegalArgumentException if the round is below 1
   */
  public static SearchConfig presetFor(int round) {
    if (round < 1) {
      throw new IllegalArgumentException("rounds count from 1, was " + round);
    }
    return round == 1
        ? SearchConfig.bootstrapRound()
        : round == 2 ? SearchConfig.terminalGuidedRound() : SearchConfig.ppmAugmentedRound();
  }

  /** The reference's rollouts for unsolved problems: 64 in round 3, 128 from round 4, else none. */
  public static java.util.function.IntUnaryOperator referenceHardRollouts() {
    return round -> round == 3 ? 64 : round >= 4 ? 128 : 0;
  }

  /** The directory of round {@code r} under {@code outDir}. */
  public static Path roundDir(Path outDir, int round) {
    return outDir.resolve("round-" + round);
  }

  /**
   * Runs rounds 1 to {@code rounds}, skipping those already complete in {@code outDir}.
   *
   * @param problems the problems, each with a gold answer
   * @return one summary per round, in order
   * @throws IllegalArgumentException if a problem has no gold answer, rounds is below 1, or a round
   *     needs a PPM and no backbone is configured
   * @throws IOException when a file cannot be read or written, or the policy trainer fails
   */
  public List<RoundSummary> run(List<Problem> problems, int rounds, Path outDir)
      throws IOException {
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be >= 1, was " + rounds);
    }
    for (Problem p : problems) {
      if (!p.hasGold()) {
        throw new IllegalArgumentException(
            "problem " + p.id() + " has no gold answer: self-evolution needs gold answers");
      }
    }
    for (int r = 1; r <= rounds; r++) {
      if (roundConfigs.apply(r).mode().usesRewardModel() && backboneDir == null) {
        throw new IllegalArgumentException(
            "round "
                + r
                + " runs "
                + roundConfigs.apply(r).mode()
                + " and needs a PPM: configure a PPM backbone");
      }
    }
    Files.createDirectories(outDir);
    List<RoundSummary> out = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      RoundSummary s = runRound(problems, r, outDir);
      out.add(s);
      listener.onRoundDone(s);
      LOG.log(System.Logger.Level.INFO, s.describe());
    }
    return out;
  }

  private RoundSummary runRound(List<Problem> problems, int round, Path outDir) throws IOException {
    Path dir = roundDir(outDir, round);
    Files.createDirectories(dir);
    SearchConfig config = roundConfigs.apply(round);
    JsonObject status = readStatus(dir);
    String problemSet = problemSet(problems);
    if (status != null
        && status.has("problem_set")
        && !problemSet.equals(status.get("problem_set").getAsString())
        && !before(status, "searched")) {
      LOG.log(
          System.Logger.Level.INFO,
          "round {0}: the problem set changed since the round ran:"
              + " searching the new problems and redoing its later stages",
          round);
      status.addProperty("stage", "started");
      // the pairs will differ: a PPM checkpoint of the old ones cannot be resumed
      Files.deleteIfExists(dir.resolve("ppm").resolve("checkpoint.json"));
    }
    if (status != null && "done".equals(status.get("stage").getAsString())) {
      return summary(round, config.mode(), dir, status, true);
    }
    if (status == null) {
      status = new JsonObject();
      status.addProperty("round", round);
      status.addProperty("stage", "started");
    }
    status.addProperty("problem_set", problemSet);
    status.addProperty("mode", config.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    status.add("config", configJson(config));
    writeStatus(dir, status);
    Path trees = dir.resolve("trees.jsonl");
    Path sft = dir.resolve("sft.jsonl");
    Path pairs = dir.resolve("pairs.jsonl");
    Path ppmDir = dir.resolve("ppm");

    if (before(status, "searched")) {
      listener.onRoundStart(round, config);
      List<SolveOutcome> outcomes = search(problems, round, config, outDir, trees, status);
      int solved = 0;
      com.google.gson.JsonArray unsolved = new com.google.gson.JsonArray();
      for (SolveOutcome o : outcomes) {
        if (Boolean.TRUE.equals(o.correct())) {
          solved++;
        } else {
          unsolved.add(o.id());
        }
      }
      status.addProperty("problems", outcomes.size());
      status.addProperty("solved", solved);
      status.add("unsolved", unsolved);
      advance(dir, status, "searched");
    }
    Path hardTrees = dir.resolve("trees-hard.jsonl");
    if (before(status, "hard")) {
      int hard = hardRollouts.applyAsInt(round);
      java.util.Set<String> ids = new java.util.HashSet<>();
      if (status.has("unsolved")) {
        status.getAsJsonArray("unsolved").forEach(e -> ids.add(e.getAsString()));
      }
      List<Problem> todo = new ArrayList<>();
      for (Problem p : problems) {
        if (ids.contains(p.id())) {
          todo.add(p);
        }
      }
      if (hard > config.rollouts() && !todo.isEmpty()) {
        SearchConfig hardConfig = config.toBuilder().rollouts(hard).build();
        LOG.log(
            System.Logger.Level.INFO,
            "round {0}: searching the {1} unsolved problems again" + " with {2} rollouts",
            round,
            todo.size(),
            hard);
        listener.onRoundStart(round, hardConfig);
        int solvedNow = 0;
        for (SolveOutcome o : search(todo, round, hardConfig, outDir, hardTrees, status)) {
          if (Boolean.TRUE.equals(o.correct())) {
            solvedNow++;
          }
        }
        status.addProperty("hard_problems", todo.size());
        status.addProperty("hard_rollouts", hard);
        status.addProperty("hard_solved", solvedNow);
        status.addProperty("solved", status.get("solved").getAsInt() + solvedNow);
      }
      advance(dir, status, "hard");
    }
    if (before(status, "extracted")) {
      ExtractionSummary es = extract(trees, hardTrees, sft, pairs);
      status.addProperty("trees", es.trees());
      status.addProperty("sft_records", es.sftRecords());
      status.addProperty("pairs", es.pairs());
      advance(dir, status, "extracted");
    }
    if (before(status, "ppm")) {
      Path trained = trainPpm(round, pairs, ppmDir);
      status.add(
          "ppm",
          trained == null
              ? JsonNull.INSTANCE
              : new com.google.gson.JsonPrimitive(dir.relativize(trained).toString()));
      advance(dir, status, "ppm");
    }
    String update = policyTrainer.train(round, sft, dir);
    status.addProperty("policy_update", update == null ? "" : update);
    advance(dir, status, "done");
    return summary(round, config.mode(), dir, status, false);
  }

  private List<SolveOutcome> search(
      List<Problem> problems,
      int round,
      SearchConfig config,
      Path outDir,
      Path trees,
      JsonObject status)
      throws IOException {
    RewardModel rm = null;
    Policy policy = policies.open(round);
    try {
      ReasoningSearch.Builder sb =
          ReasoningSearch.builder(policy, verifier).grader(grader).config(config);
      if (config.mode().usesRewardModel()) {
        Path prev = latestPpm(outDir, round);
        if (prev != null) {
          status.addProperty("ppm_used", outDir.relativize(prev).toString());
          rm = ProcessPreferenceModel.load(prev, tokenizers, null);
        } else {
          LOG.log(
              System.Logger.Level.WARNING,
              "round {0}: no earlier round trained a PPM (no"
                  + " preference pairs): searching with an untrained value head, every score 0",
              round);
          status.addProperty("ppm_used", "untrained");
          Backbone b =
              ProcessPreferenceModel.openBackbone(backboneDir, tokenizers, backboneSettings);
          try {
            rm =
                ProcessPreferenceModel.builder()
                    .backbone(b)
                    .head(ValueHead.zeros(b.hiddenSize()))
                    .build();
          } catch (RuntimeException e) {
            b.close();
            throw e;
          }
        }
        sb.rewardModel(rm);
      }
      SearchRunner runner =
          SearchRunner.builder(sb.build())
              .batchProblems(batchProblems)
              .grader(grader)
              .onProgress(p -> listener.onProgress(round, p))
              .build();
      return runner.run(problems, trees);
    } finally {
      if (rm != null) {
        closeQuietly(rm);
      }
      if (closePolicies) {
        closeQuietly(policy);
      }
    }
  }

  /** A digest of the problem ids, to notice a changed problem set on resume. */
  private static String problemSet(List<Problem> problems) {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      for (Problem p : problems) {
        md.update(p.id().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
      }
      return problems.size() + ":" + java.util.HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The PPM of the latest round before {@code round} that trained one, or null. */
  private static Path latestPpm(Path outDir, int round) throws IOException {
    for (int r = round - 1; r >= 1; r--) {
      Path dir = roundDir(outDir, r);
      JsonObject s = readStatus(dir);
      if (s != null && s.has("ppm") && !s.get("ppm").isJsonNull()) {
        return dir.resolve(s.get("ppm").getAsString());
      }
    }
    return null;
  }

  /**
   * Extracts from the round's trees, a problem's tree from the search with more rollouts replacing
   * its first one.
   */
  private ExtractionSummary extract(Path trees, Path hardTrees, Path sft, Path pairs)
      throws IOException {
    if (Files.exists(hardTrees)) {
      java.util.Map<String, String> hard = new java.util.HashMap<>();
      for (String line : Files.readAllLines(hardTrees, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          hard.put(io.rstar4j.core.tree.ReasoningTrees.fromJsonLine(line).problem().id(), line);
        }
      }
      Path merged = trees.resolveSibling("trees-merged.jsonl.tmp");
      try (BufferedReader in = Files.newBufferedReader(trees, StandardCharsets.UTF_8);
          Writer w = Files.newBufferedWriter(merged, StandardCharsets.UTF_8)) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          String id = io.rstar4j.core.tree.ReasoningTrees.fromJsonLine(line).problem().id();
          w.write(hard.getOrDefault(id, line));
          w.write('\n');
        }
      }
      try {
        return extractFrom(merged, sft, pairs);
      } finally {
        Files.deleteIfExists(merged);
      }
    }
    return extractFrom(trees, sft, pairs);
  }

  private ExtractionSummary extractFrom(Path trees, Path sft, Path pairs) throws IOException {
    Path sftTmp = sft.resolveSibling(sft.getFileName() + ".tmp");
    Path pairsTmp = pairs.resolveSibling(pairs.getFileName() + ".tmp");
    ExtractionSummary s;
    try (BufferedReader in = Files.newBufferedReader(trees, StandardCharsets.UTF_8);
        Writer sw = new BufferedWriter(Files.newBufferedWriter(sftTmp, StandardCharsets.UTF_8));
        Writer pw = new BufferedWriter(Files.newBufferedWriter(pairsTmp, StandardCharsets.UTF_8))) {
      s = new TrainingDataExtractor(extraction).extract(in, sw, pw, null, null);
    }
    Files.move(sftTmp, sft, StandardCopyOption.REPLACE_EXISTING);
    Files.move(pairsTmp, pairs, StandardCopyOption.REPLACE_EXISTING);
    return s;
  }

  private Path trainPpm(int round, Path pairs, Path ppmDir) throws IOException {
    if (backboneDir == null) {
      LOG.log(
          System.Logger.Level.INFO,
          "round {0}: no PPM backbone configured: PPM not trained",
          round);
      return null;
    }
    PairFile pf = PairFile.read(pairs);
    if (pf.pairs().isEmpty()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "round {0}: no preference pairs (no problem had both correct and wrong answers): PPM"
              + " not trained",
          round);
      return null;
    }
    try (Backbone b =
        ProcessPreferenceModel.openBackbone(backboneDir, tokenizers, backboneSettings)) {
      TrainingResult r =
          new PpmTrainer(b, training).train(pf.pairs(), ppmDir, listener.onPpmTraining(round));
      ProcessPreferenceModel.save(ppmDir, backboneDir, backboneSettings, r.head());
      LOG.log(
          System.Logger.Level.INFO,
          "round {0}: PPM trained on {1} pairs ({2} epochs), held-out" + " pairwise accuracy {3}",
          round,
          r.trainPairs(),
          r.epochs().size(),
          r.heldOutAccuracy());
    }
    return ppmDir;
  }

  private static RoundSummary summary(
      int round, SearchMode mode, Path dir, JsonObject s, boolean resumed) {
    Path ppm =
        s.has("ppm") && !s.get("ppm").isJsonNull() ? dir.resolve(s.get("ppm").getAsString()) : null;
    return new RoundSummary(
        round,
        mode,
        dir,
        intOf(s, "problems"),
        intOf(s, "solved"),
        longOf(s, "sft_records"),
        longOf(s, "pairs"),
        ppm,
        s.has("policy_update") ? s.get("policy_update").getAsString() : "",
        resumed);
  }

  private static int intOf(JsonObject o, String k) {
    return o.has(k) ? o.get(k).getAsInt() : 0;
  }

  private static long longOf(JsonObject o, String k) {
    return o.has(k) ? o.get(k).getAsLong() : 0;
  }

  private static boolean before(JsonObject status, String stage) {
    return STAGES.indexOf(status.get("stage").getAsString()) < STAGES.indexOf(stage);
  }

  private static void advance(Path dir, JsonObject status, String stage) throws IOException {
    status.addProperty("stage", stage);
    status.addProperty("complete", stage.equals("done"));
    writeStatus(dir, status);
  }

  private static JsonObject configJson(SearchConfig c) {
    JsonObject o = new JsonObject();
    o.addProperty("rollouts", c.rollouts());
    o.addProperty("candidates", c.candidates());
    o.addProperty("max_depth", c.maxDepth());
    o.addProperty("c", c.c());
    o.addProperty("errors_threshold", c.errorsThreshold());
    return o;
  }

  /**
   * A round directory's status, or null when it has none.
   *
   * @throws IOException when it cannot be read or is malformed
   */
  static JsonObject readStatus(Path dir) throws IOException {
    Path f = dir.resolve(STATUS_FILE);
    if (!Files.exists(f)) {
      return null;
    }
    try {
      JsonObject o =
          JsonParser.parseString(Files.readString(f, StandardCharsets.UTF_8)).getAsJsonObject();
      if (!o.has("stage") || !STAGES.contains(o.get("stage").getAsString())) {
        throw new IOException(f + ": no valid \"stage\"");
      }
      return o;
    } catch (RuntimeException e) {
      throw new IOException(f + ": malformed round status: " + e.getMessage(), e);
    }
  }

  private static void writeStatus(Path dir, JsonObject status) throws IOException {
    Path f = dir.resolve(STATUS_FILE);
    Path tmp = dir.resolve(STATUS_FILE + ".tmp");
    Files.writeString(tmp, status.toString() + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "closing " + c + " failed: " + e);
    }
  }

  /** Told of a run's progress; every method does nothing by default. */
  public interface Listener {
    /** A round's search starts (not called for a round whose search had finished). */
    default void onRoundStart(int round, SearchConfig config) {}

    /** A lock-step group of a round's search finished. */
    default void onProgress(int round, SolveProgress progress) {}

    /** A round's PPM training starts: the listener its progress goes to (none by default). */
    default TrainingListener onPpmTraining(int round) {
      return TrainingListener.none();
    }

    /** A round is complete. */
    default void onRoundDone(RoundSummary summary) {}
  }

  /** Builder of {@link SelfEvolution}; setters validate at once. */
  public static final class Builder {
    private PolicySource policies;
    private boolean closePolicies;
    private Verifier verifier;
    private AnswerGrader grader = AnswerGrader.whitespaceInsensitive();
    private Path backboneDir;
    private BackboneSettings backboneSettings = BackboneSettings.defaults();
    private TrainingConfig training = TrainingConfig.defaults();
    private ExtractionConfig extraction = ExtractionConfig.reference();
    private IntFunction<SearchConfig> roundConfigs = SelfEvolution::presetFor;
    private PolicyTrainer policyTrainer = PolicyTrainer.unchanged();
    private int batchProblems = 16;
    private java.util.function.IntUnaryOperator hardRollouts = round -> 0;
    private Function<Path, Tokenizer> tokenizers = Tokenizers::fromFile;
    private Listener listener = new Listener() {};

    private Builder() {}

    /** One policy for every round (not closed by the loop). */
    public Builder policy(Policy p) {
      Objects.requireNonNull(p, "policy");
      policies = round -> p;
      closePolicies = false;
      return this;
    }

    /** Opens each round's policy (closed by the loop after the round's search). */
    public Builder policies(PolicySource s) {
      policies = Objects.requireNonNull(s, "policies");
      closePolicies = true;
      return this;
    }

    /** Runs the code steps (required; not closed by the loop). */
    public Builder verifier(Verifier v) {
      verifier = Objects.requireNonNull(v, "verifier");
      return this;
    }

    /** Grades answers against the gold answers (default: whitespace-insensitive equality). */
    public Builder grader(AnswerGrader g) {
      grader = Objects.requireNonNull(g, "grader");
      return this;
    }

    /**
     * The PPM backbone directory (model.onnx with a hidden-state output, tokenizer.json): each
     * round trains a value head on it. Required for PPM-augmented rounds.
     *
     * @throws IllegalArgumentException if it is not a directory
     */
    public Builder ppmBackbone(Path dir, BackboneSettings settings) {
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("no such PPM backbone directory: " + dir);
      }
      backboneDir = dir.toAbsolutePath().normalize();
      backboneSettings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** PPM training settings (default {@link TrainingConfig#defaults()}). */
    public Builder ppmTraining(TrainingConfig c) {
      training = Objects.requireNonNull(c, "training");
      return this;
    }

    /** Extraction rules (default {@link ExtractionConfig#reference()}). */
    public Builder extraction(ExtractionConfig c) {
      extraction = Objects.requireNonNull(c, "extraction");
      return this;
    }

    /** Each round's search configuration (default {@link SelfEvolution#presetFor(int)}). */
    public Builder roundConfigs(IntFunction<SearchConfig> f) {
      roundConfigs = Objects.requireNonNull(f, "roundConfigs");
      return this;
    }

    /** The policy fine-tuning hook (default {@link PolicyTrainer#unchanged()}). */
    public Builder policyTrainer(PolicyTrainer t) {
      policyTrainer = Objects.requireNonNull(t, "policyTrainer");
      return this;
    }

    /**
     * Problems per lock-step group (default 16).
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder batchProblems(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("batchProblems must be >= 1, was " + n);
      }
      batchProblems = n;
      return this;
    }

    /**
     * Rollouts for a second search of the problems a round left unsolved, by round; a value not
     * above the round's rollouts means none (default: none). The reference gives hard problems 64
     * rollouts in round 3 and 128 in round 4: {@link SelfEvolution#referenceHardRollouts()}. The
     * second search's tree replaces the first in the round's extraction.
     */
    public Builder hardProblemRollouts(java.util.function.IntUnaryOperator f) {
      hardRollouts = Objects.requireNonNull(f, "hardProblemRollouts");
      return this;
    }

    /** Loads the PPM backbone's tokenizer (default {@link Tokenizers#fromFile}). */
    public Builder tokenizers(Function<Path, Tokenizer> t) {
      tokenizers = Objects.requireNonNull(t, "tokenizers");
      return this;
    }

    /** Told of the progress. */
    public Builder listener(Listener l) {
      listener = Objects.requireNonNull(l, "listener");
      return this;
    }

    /**
     * The loop.
     *
     * @throws IllegalStateException if no policy or no verifier was given
     */
    public SelfEvolution build() {
      if (policies == null) {
        throw new IllegalStateException("a policy (or policy source) is required");
      }
      if (verifier == null) {
        throw new IllegalStateException("a verifier is required");
      }
      return new SelfEvolution(this);
    }
  }
}
