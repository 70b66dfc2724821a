package io.rstar4j.train.evolve;

import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.Policy;
import io.rstar4j.core.Problem;
import io.rstar4j.core.RewardModel;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.SetOnce;
import io.rstar4j.core.io.AtomicFiles;
import io.rstar4j.core.io.RunLock;
import io.rstar4j.core.tokenizer.Tokenizer;
import io.rstar4j.core.tokenizer.Tokenizers;
import io.rstar4j.mcts.ReasoningSearch;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.train.data.ExtractionConfig;
import io.rstar4j.train.data.ExtractionSummary;
import io.rstar4j.train.data.PairFile;
import io.rstar4j.train.data.TrainingDataExtractor;
import io.rstar4j.train.evolve.RoundStatus.Stage;
import io.rstar4j.train.policy.OnnxPolicyTrainer;
import io.rstar4j.train.ppm.Backbone;
import io.rstar4j.train.ppm.BackboneSettings;
import io.rstar4j.train.ppm.PpmTrainer;
import io.rstar4j.train.ppm.ProcessPreferenceModel;
import io.rstar4j.train.ppm.TrainingConfig;
import io.rstar4j.train.ppm.TrainingListener;
import io.rstar4j.train.ppm.TrainingResult;
import io.rstar4j.train.ppm.ValueHead;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

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
 * <p>A round is a stage machine over a typed status: each stage takes the status of the last
 * completed stage and returns the next one, which is written to {@code round.json} before the next
 * stage starts. {@code round.json} holds {@code round}, {@code stage} ({@code started}, {@code
 * searched}, {@code hard}, {@code extracted}, {@code ppm}, {@code done}), {@code complete}, {@code
 * problem_set}, {@code mode}, {@code config} (rollouts, candidates, max_depth, c,
 * errors_threshold), {@code ppm_used} (the PPM the search used, relative to the output directory,
 * or {@code untrained}), {@code problems}, {@code solved}, {@code unsolved} (ids after the first
 * search), {@code hard_problems}, {@code hard_rollouts}, {@code hard_solved}, {@code trees}, {@code
 * sft_records}, {@code pairs}, {@code ppm} (the trained PPM's directory relative to the round's, or
 * null) and {@code policy_update}; the keys of the stages not reached are left out. The files of
 * runs finished by earlier versions are read as they are.
 */
public final class SelfEvolution {
  private static final System.Logger LOG = System.getLogger(SelfEvolution.class.getName());

  /** The status file of a round directory. */
  public static final String STATUS_FILE = RoundStatusFile.NAME;

  private final PolicySource policies;
  private final boolean closePolicies;
  private final Verifier verifier;
  private final AnswerGrader grader;
  private final Path backboneDir;
  private final RewardModel servedPpm;
  private final String servedPpmName;
  private final BackboneSettings backboneSettings;
  private final TrainingConfig training;
  private final ExtractionConfig extraction;
  private final IntFunction<SearchConfig> roundConfigs;
  private final PolicyTrainer policyTrainer;
  private final PolicyLoader fineTunedPolicies;
  private final Path baseModel;
  private final int batchProblems;
  private final IntUnaryOperator hardRollouts;
  private final Function<Path, Tokenizer> tokenizers;
  private final Listener listener;
  private final Map<String, String> fingerprint;
  private final Rerun rerun;

  private SelfEvolution(Builder b) {
    this.fingerprint = b.fingerprint;
    this.rerun = b.rerun;
    this.policies = b.policies;
    this.closePolicies = b.closePolicies;
    this.verifier = b.verifier;
    this.grader = b.grader;
    this.backboneDir = b.backboneDir;
    this.servedPpm = b.servedPpm;
    this.servedPpmName = b.servedPpmName;
    this.backboneSettings = b.backboneSettings;
    this.training = b.training;
    this.extraction = b.extraction;
    this.roundConfigs = b.roundConfigs;
    this.policyTrainer = b.policyTrainer;
    this.fineTunedPolicies = b.fineTunedPolicies;
    this.baseModel = b.baseModel;
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
  public static IntUnaryOperator referenceHardRollouts() {
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
      if (roundConfigs.apply(r).mode().usesRewardModel()
          && backboneDir == null
          && servedPpm == null) {
        throw new IllegalArgumentException(
            "round "
                + r
                + " runs "
                + roundConfigs.apply(r).mode()
                + " and needs a PPM: configure a PPM backbone or a served PPM");
      }
    }
    try (RunLock lock = RunLock.onFile(outDir)) {
      checkFingerprints(problems, rounds, outDir);
      Files.createDirectories(outDir);
      // a run killed during an atomic write left its temporary file; the lock says it is dead
      io.rstar4j.core.io.AtomicFiles.removeStaleTemporaries(outDir);
      List<RoundSummary> out = new ArrayList<>();
      for (int r = 1; r <= rounds; r++) {
        RoundSummary s = runRound(problems, r, outDir);
        out.add(s);
        listener.onRoundDone(s);
        LOG.log(System.Logger.Level.INFO, s.describe());
      }
      return out;
    }
  }

  /** The file of a round directory that records its {@link RunFingerprint}. */
  public static final String FINGERPRINT_FILE = "run.json";

  /**
   * What produced round {@code round}: the problem set, the round's search configuration, the extra
   * rollouts of unsolved problems, the extraction, the PPM backbone and training, then the fields
   * given to {@link Builder#fingerprint} (the models, the seeds).
   */
  public RunFingerprint roundFingerprint(List<Problem> problems, int round) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(RunFingerprint.PROBLEM_SET, RunFingerprint.problemSet(problems));
    m.put("search", roundConfigs.apply(round).toString());
    m.put("hard_rollouts", Integer.toString(hardRollouts.applyAsInt(round)));
    m.put("extraction", extraction.toString());
    m.put("ppm_backbone", backboneDir == null ? "none" : backboneDir.toAbsolutePath().toString());
    m.put("ppm_training", backboneDir == null ? "none" : training + " " + backboneSettings);
    m.putAll(fingerprint);
    return RunFingerprint.of(m);
  }

  /**
   * Compares each existing round's fingerprint with this run's: refuses a differing run unless
   * restarting (the output moved aside) or extending (only the problem set differs).
   */
  private void checkFingerprints(List<Problem> problems, int rounds, Path outDir)
      throws IOException {
    if (!Files.isDirectory(outDir)) {
      return;
    }
    for (int r = 1; r <= rounds; r++) {
      Path dir = roundDir(outDir, r);
      Optional<RunFingerprint> before = RunFingerprint.read(dir.resolve(FINGERPRINT_FILE));
      if (before.isEmpty()) {
        continue;
      }
      RunFingerprint now = roundFingerprint(problems, r);
      List<String> diff = before.get().differences(now);
      if (diff.isEmpty()) {
        continue;
      }
      boolean onlyProblems = diff.equals(List.of(RunFingerprint.PROBLEM_SET));
      if (rerun == Rerun.EXTEND && onlyProblems) {
        continue;
      }
      if (rerun == Rerun.RESTART) {
        Path aside = RunFingerprint.moveAside(outDir);
        LOG.log(System.Logger.Level.INFO, "{0}: the earlier run moved to {1}", outDir, aside);
        return;
      }
      List<String> described = new ArrayList<>();
      for (String d : before.get().describeDifferences(now)) {
        described.add("round " + r + " " + d);
      }
      throw new RunMismatchException(outDir, diff, described, onlyProblems);
    }
  }

  /** One round being run: its number, its search configuration and its files. */
  private record Round(int number, SearchConfig config, Path outDir, Path dir) {
    Path trees() {
      return dir.resolve("trees.jsonl");
    }

    Path hardTrees() {
      return dir.resolve("trees-hard.jsonl");
    }

    Path sft() {
      return dir.resolve("sft.jsonl");
    }

    Path pairs() {
      return dir.resolve("pairs.jsonl");
    }

    Path ppmDir() {
      return dir.resolve("ppm");
    }
  }

  /**
   * Runs one round as a stage machine over its typed status: each stage takes the status of the
   * last completed stage, does its work and returns the next status, which is written to {@code
   * round.json} before the next stage starts.
   */
  private RoundSummary runRound(List<Problem> problems, int number, Path outDir)
      throws IOException {
    Round round = new Round(number, roundConfigs.apply(number), outDir, roundDir(outDir, number));
    Files.createDirectories(round.dir());
    RunFingerprint fp = roundFingerprint(problems, number);
    Path fpFile = round.dir().resolve(FINGERPRINT_FILE);
    if (!RunFingerprint.read(fpFile).equals(Optional.of(fp))) {
      fp.write(fpFile);
    }
    String problemSet = problemSet(problems);
    Optional<RoundStatus> saved = RoundStatusFile.read(round.dir());
    RoundStatus status = saved.orElse(RoundStatus.started(number, problemSet, round.config()));
    if (!status.problemSet().isEmpty()
        && !status.problemSet().equals(problemSet)
        && status.stage().reached(Stage.SEARCHED)) {
      LOG.log(
          System.Logger.Level.INFO,
          "round {0}: the problem set changed since the round ran:"
              + " searching the new problems and redoing its later stages",
          number);
      status = status.reopened();
      // the pairs will differ: a PPM checkpoint of the old ones cannot be resumed
      Files.deleteIfExists(round.ppmDir().resolve("checkpoint.json"));
    }
    if (status.isDone()) {
      return summary(round, status, true);
    }
    status = status.reconfigured(problemSet, round.config());
    RoundStatusFile.write(round.dir(), status);
    while (!status.isDone()) {
      status =
          switch (status.stage()) {
            case STARTED -> search(problems, round, status);
            case SEARCHED -> searchHard(problems, round, status);
            case HARD -> extract(problems, round, status);
            case EXTRACTED -> trainPpm(round, status);
            case PPM -> status.done(trainPolicy(round));
            case DONE -> throw new IllegalStateException("round " + number + " is done");
          };
      RoundStatusFile.write(round.dir(), status);
    }
    return summary(round, status, false);
  }

  /** Stage 1: the search over every problem. */
  private RoundStatus search(List<Problem> problems, Round round, RoundStatus status)
      throws IOException {
    listener.onRoundStart(round.number(), round.config());
    Searched searched = searchWith(problems, round, round.config(), round.trees());
    int solved = 0;
    List<String> unsolved = new ArrayList<>();
    for (SolveOutcome o : searched.outcomes()) {
      if (Boolean.TRUE.equals(o.correct())) {
        solved++;
      } else {
        unsolved.add(o.id());
      }
    }
    return status.searched(
        new RoundStatus.Searched(searched.outcomes().size(), solved, unsolved), searched.ppm());
  }

  /** Stage 2: a second search, with more rollouts, of the problems the first left unsolved. */
  private RoundStatus searchHard(List<Problem> problems, Round round, RoundStatus status)
      throws IOException {
    int hard = hardRollouts.applyAsInt(round.number());
    Set<String> ids = new HashSet<>(status.searched().orElseThrow().unsolved());
    List<Problem> todo = new ArrayList<>();
    for (Problem p : problems) {
      if (ids.contains(p.id())) {
        todo.add(p);
      }
    }
    if (hard <= round.config().rollouts() || todo.isEmpty()) {
      return status.hardSearched(Optional.empty(), Optional.empty());
    }
    SearchConfig hardConfig = round.config().toBuilder().rollouts(hard).build();
    LOG.log(
        System.Logger.Level.INFO,
        "round {0}: searching the {1} unsolved problems again with {2} rollouts",
        round.number(),
        todo.size(),
        hard);
    listener.onRoundStart(round.number(), hardConfig);
    Searched searched = searchWith(todo, round, hardConfig, round.hardTrees());
    int solved = 0;
    for (SolveOutcome o : searched.outcomes()) {
      if (Boolean.TRUE.equals(o.correct())) {
        solved++;
      }
    }
    return status.hardSearched(
        Optional.of(new RoundStatus.HardSearch(todo.size(), hard, solved)), searched.ppm());
  }

  /** Stage 3: SFT records and preference pairs from the round's trees. */
  private RoundStatus extract(List<Problem> problems, Round round, RoundStatus status)
      throws IOException {
    Set<String> ids = new HashSet<>();
    for (Problem p : problems) {
      ids.add(p.id());
    }
    ExtractionSummary es =
        extract(ids, round.trees(), round.hardTrees(), round.sft(), round.pairs());
    return status.extracted(new RoundStatus.Extracted(es.trees(), es.sftRecords(), es.pairs()));
  }

  /** Stage 4: the PPM trained on the round's pairs, when there is a backbone and pairs. */
  private RoundStatus trainPpm(Round round, RoundStatus status) throws IOException {
    Path trained = trainPpm(round.number(), round.pairs(), round.ppmDir());
    return status.ppmTrained(
        trained == null
            ? new RoundStatus.PpmResult.NotTrained()
            : new RoundStatus.PpmResult.Trained(round.dir().relativize(trained).toString()));
  }

  /** Stage 5: the policy trainer on the round's SFT records; what it reports. */
  private String trainPolicy(Round round) throws IOException {
    String update = policyTrainer.train(round.number(), round.sft(), round.dir());
    return update == null ? "" : update;
  }

  /** What a search of the round found, and the PPM it used. */
  private record Searched(List<SolveOutcome> outcomes, Optional<RoundStatus.PpmUsed> ppm) {}

  private Searched searchWith(List<Problem> problems, Round round, SearchConfig config, Path trees)
      throws IOException {
    RewardModel rm = null;
    Optional<RoundStatus.PpmUsed> used = Optional.empty();
    Policy policy =
        fineTunedPolicies != null ? openFineTuned(round) : policies.open(round.number());
    try {
      ReasoningSearch.Builder sb =
          ReasoningSearch.builder(policy, verifier).grader(grader).config(config);
      if (config.mode().usesRewardModel() && servedPpm != null) {
        used = Optional.of(new RoundStatus.PpmUsed.Served(servedPpmName));
        sb.rewardModel(servedPpm); // the caller's: not closed here
      } else if (config.mode().usesRewardModel()) {
        Path prev = latestPpm(round.outDir(), round.number());
        if (prev != null) {
          used =
              Optional.of(
                  new RoundStatus.PpmUsed.Trained(round.outDir().relativize(prev).toString()));
          rm = ProcessPreferenceModel.load(prev, tokenizers, null);
        } else {
          LOG.log(
              System.Logger.Level.WARNING,
              "round {0}: no earlier round trained a PPM (no"
                  + " preference pairs): searching with an untrained value head, every score 0",
              round.number());
          used = Optional.of(new RoundStatus.PpmUsed.Untrained());
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
              .fingerprint(fingerprint)
              .rerun(rerun == Rerun.EXTEND ? Rerun.EXTEND : Rerun.RESUME)
              .batchProblems(batchProblems)
              .onProgress(p -> listener.onProgress(round.number(), p))
              .build();
      return new Searched(runner.run(problems, trees), used);
    } finally {
      if (rm != null) {
        closeQuietly(rm);
      }
      if (closePolicies) {
        closeQuietly(policy);
      }
    }
  }

  /**
   * With policy fine-tuning: round 1 searches with the base model, a later round with the policy
   * the latest earlier round fine-tuned (the base model when none did).
   */
  private Policy openFineTuned(Round round) throws IOException {
    for (int r = round.number() - 1; r >= 1; r--) {
      Path p = OnnxPolicyTrainer.roundPolicy(roundDir(round.outDir(), r));
      if (Files.isRegularFile(p.resolve("model.onnx"))) {
        LOG.log(
            System.Logger.Level.INFO,
            "round {0}: searching with the policy fine-tuned in round {1} ({2})",
            round.number(),
            r,
            p);
        return fineTunedPolicies.load(p);
      }
    }
    return fineTunedPolicies.load(baseModel);
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
      Optional<RoundStatus.PpmResult> ppm = RoundStatusFile.read(dir).flatMap(RoundStatus::ppm);
      if (ppm.isPresent() && ppm.get() instanceof RoundStatus.PpmResult.Trained t) {
        return dir.resolve(t.dir());
      }
    }
    return null;
  }

  /**
   * Extracts from the round's trees, a problem's tree from the search with more rollouts replacing
   * its first one. Only the trees of the round's own problems are read: a tree file extended from
   * another problem set keeps the others' trees, and they never reach the round's data.
   */
  private ExtractionSummary extract(
      Set<String> ids, Path trees, Path hardTrees, Path sft, Path pairs) throws IOException {
    java.util.Map<String, String> hard = new java.util.HashMap<>();
    if (Files.exists(hardTrees)) {
      for (String line : Files.readAllLines(hardTrees, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          hard.put(io.rstar4j.core.tree.ReasoningTrees.fromJsonLine(line).problem().id(), line);
        }
      }
    }
    Path merged = Files.createTempFile("rstar-trees-merged-", ".jsonl");
    try {
      try (BufferedReader in = Files.newBufferedReader(trees, StandardCharsets.UTF_8);
          Writer w = Files.newBufferedWriter(merged, StandardCharsets.UTF_8)) {
        String line;
        Set<String> written = new HashSet<>();
        while ((line = in.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          String id = io.rstar4j.core.tree.ReasoningTrees.fromJsonLine(line).problem().id();
          if (!ids.contains(id) || !written.add(id)) {
            continue;
          }
          w.write(hard.getOrDefault(id, line));
          w.write('\n');
        }
      }
      return extractFrom(merged, sft, pairs);
    } finally {
      Files.deleteIfExists(merged);
    }
  }

  private ExtractionSummary extractFrom(Path trees, Path sft, Path pairs) throws IOException {
    ExtractionSummary s;
    try (BufferedReader in = Files.newBufferedReader(trees, StandardCharsets.UTF_8);
        AtomicFiles.Output so = AtomicFiles.open(sft);
        AtomicFiles.Output po = AtomicFiles.open(pairs)) {
      s =
          new TrainingDataExtractor(extraction, grader)
              .extract(in, so.writer(), po.writer(), null, null);
      so.commit();
      po.commit();
    }
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

  private static RoundSummary summary(Round round, RoundStatus s, boolean resumed) {
    Optional<RoundStatus.Searched> searched = s.searched();
    Optional<RoundStatus.Extracted> extracted = s.extracted();
    Path ppm =
        s.ppm().orElse(null) instanceof RoundStatus.PpmResult.Trained t
            ? round.dir().resolve(t.dir())
            : null;
    return new RoundSummary(
        round.number(),
        round.config().mode(),
        round.dir(),
        searched.map(RoundStatus.Searched::problems).orElse(0),
        searched.map(RoundStatus.Searched::solved).orElse(0),
        extracted.map(RoundStatus.Extracted::sftRecords).orElse(0L),
        extracted.map(RoundStatus.Extracted::pairs).orElse(0L),
        ppm,
        s.policyUpdate().orElse(""),
        resumed);
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

  /**
   * Builder of {@link SelfEvolution}: every setter validates at once, setting an option twice fails
   * ("grader was already set"), and {@link #policy} and {@link #policies} exclude each other.
   */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private PolicySource policies;
    private boolean closePolicies;
    private Verifier verifier;
    private AnswerGrader grader = AnswerGrader.whitespaceInsensitive();
    private Path backboneDir;
    private BackboneSettings backboneSettings = BackboneSettings.defaults();
    private RewardModel servedPpm;
    private String servedPpmName;
    private TrainingConfig training = TrainingConfig.defaults();
    private ExtractionConfig extraction = ExtractionConfig.reference();
    private IntFunction<SearchConfig> roundConfigs = SelfEvolution::presetFor;
    private PolicyTrainer policyTrainer = PolicyTrainer.unchanged();
    private PolicyLoader fineTunedPolicies;
    private Path baseModel;
    private int batchProblems = 16;
    private IntUnaryOperator hardRollouts = round -> 0;
    private Function<Path, Tokenizer> tokenizers = Tokenizers::fromFile;
    private Listener listener = new Listener() {};
    private Map<String, String> fingerprint = Map.of();
    private Rerun rerun = Rerun.RESUME;

    private Builder() {}

    /**
     * Fields added to each round's {@link RunFingerprint} (in {@code round-N/run.json}): what else
     * decides the round's results, such as the policy model and the seeds, in order.
     *
     * @throws NullPointerException if null, or a key or value is null
     * @throws IllegalStateException if already set
     */
    public Builder fingerprint(Map<String, String> fields) {
      set.mark("fingerprint");
      fingerprint = RunFingerprint.of(fields).fields();
      return this;
    }

    /**
     * What to do with an output directory written with another fingerprint (default {@link
     * Rerun#RESUME}: refuse it, naming the differing fields).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder rerun(Rerun r) {
      set.mark("rerun");
      rerun = Objects.requireNonNull(r, "rerun");
      return this;
    }

    /**
     * One policy for every round (not closed by the loop).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if a policy or a policy source was already set
     */
    public Builder policy(Policy p) {
      refuseWithFineTuning("policy");
      set.markExclusive("policy", "policies");
      Objects.requireNonNull(p, "policy");
      policies = round -> p;
      closePolicies = false;
      return this;
    }

    /**
     * Opens each round's policy (closed by the loop after the round's search).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if a policy or a policy source was already set
     */
    public Builder policies(PolicySource s) {
      refuseWithFineTuning("policies");
      set.markExclusive("policies", "policy");
      policies = Objects.requireNonNull(s, "policies");
      closePolicies = true;
      return this;
    }

    /**
     * Runs the code steps (required; not closed by the loop).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder verifier(Verifier v) {
      set.mark("verifier");
      verifier = Objects.requireNonNull(v, "verifier");
      return this;
    }

    /**
     * Grades answers against the gold answers: the loop's one grader, passed to every round's
     * search (its +1/-1 annotation and its solved count) and to the round's SFT selection. Default
     * {@link AnswerGrader#whitespaceInsensitive()}, the golden-tree scripts' rule; real data wants
     * a math grader.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder grader(AnswerGrader g) {
      set.mark("grader");
      grader = Objects.requireNonNull(g, "grader");
      return this;
    }

    /**
     * The PPM backbone directory (model.onnx with a hidden-state output, tokenizer.json): each
     * round trains a value head on it. Required for PPM-augmented rounds.
     *
     * @throws IllegalArgumentException if it is not a directory
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if already set
     */
    public Builder ppmBackbone(Path dir, BackboneSettings settings) {
      set.mark("ppmBackbone");
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("no such PPM backbone directory: " + dir);
      }
      backboneDir = dir.toAbsolutePath().normalize();
      backboneSettings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * A served PPM (an {@code HttpRewardModel}): the rounds that search with a reward model use it
     * instead of the PPM an earlier round trained, and {@code round.json} records {@code
     * "ppm_used": "served:NAME"}. Rounds still train a PPM on their pairs when a backbone is set.
     * The caller closes it.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank
     * @throws IllegalStateException if already set
     */
    public Builder servedPpm(RewardModel rm, String name) {
      set.mark("servedPpm");
      servedPpm = Objects.requireNonNull(rm, "rm");
      servedPpmName = Checks.nonBlank("name", name);
      return this;
    }

    /**
     * PPM training settings (default {@link TrainingConfig#defaults()}).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder ppmTraining(TrainingConfig c) {
      set.mark("ppmTraining");
      training = Objects.requireNonNull(c, "training");
      return this;
    }

    /**
     * Extraction rules (default {@link ExtractionConfig#reference()}); the answers are graded with
     * {@link #grader}.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder extraction(ExtractionConfig c) {
      set.mark("extraction");
      extraction = Objects.requireNonNull(c, "extraction");
      return this;
    }

    /**
     * Each round's search configuration (default {@link SelfEvolution#presetFor(int)}).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder roundConfigs(IntFunction<SearchConfig> f) {
      set.mark("roundConfigs");
      roundConfigs = Objects.requireNonNull(f, "roundConfigs");
      return this;
    }

    /**
     * The policy fine-tuning hook (default {@link PolicyTrainer#unchanged()}).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set, or {@link #policyFineTuning} was set
     */
    public Builder policyTrainer(PolicyTrainer t) {
      refuseWithFineTuning("policyTrainer");
      set.mark("policyTrainer");
      policyTrainer = Objects.requireNonNull(t, "policyTrainer");
      return this;
    }

    /**
     * Fine-tunes the policy as the paper does: each round, the trainer's {@link
     * OnnxPolicyTrainer.Builder#baseModel base model} is fine-tuned on that round's SFT records
     * into {@code round-N/policy} ({@link OnnxPolicyTrainer#roundPolicy}); round 1 searches with
     * the base model and every later round with the policy of the latest earlier round that trained
     * one (a round without SFT records trains none). Replaces {@link #policy}, {@link #policies}
     * and {@link #policyTrainer}; without it the loop keeps its behaviour (one policy, or a policy
     * source and a trainer hook).
     *
     * @param trainer the SFT trainer, with its base model set
     * @param loader opens an export directory as the search's policy (e.g. {@code dir ->
     *     OnnxPolicy.builder(CausalLm.load(dir)).sampling(...).build()})
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the trainer has no base model
     * @throws IllegalStateException if set before, or a policy, a policy source or a policy trainer
     *     was set
     */
    public Builder policyFineTuning(OnnxPolicyTrainer trainer, PolicyLoader loader) {
      Objects.requireNonNull(trainer, "trainer");
      Objects.requireNonNull(loader, "loader");
      for (String other : List.of("policy", "policies", "policyTrainer")) {
        if (set.isSet(other)) {
          throw new IllegalStateException(
              "policy fine-tuning cannot be set: " + other + " was already set");
        }
      }
      set.mark("policy fine-tuning");
      this.baseModel =
          trainer
              .baseModel()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "the policy trainer needs its base model (OnnxPolicyTrainer.builder()"
                              + ".baseModel(dir))"));
      this.policyTrainer = trainer;
      this.fineTunedPolicies = loader;
      this.closePolicies = true;
      return this;
    }

    private void refuseWithFineTuning(String option) {
      if (set.isSet("policy fine-tuning")) {
        throw new IllegalStateException(
            option + " cannot be set: policy fine-tuning was already set");
      }
    }

    /**
     * Problems per lock-step group (default 16).
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder batchProblems(int n) {
      set.mark("batchProblems");
      batchProblems = Checks.positive("batchProblems", n);
      return this;
    }

    /**
     * Rollouts for a second search of the problems a round left unsolved, by round; a value not
     * above the round's rollouts means none (default: none). The reference gives hard problems 64
     * rollouts in round 3 and 128 in round 4: {@link SelfEvolution#referenceHardRollouts()}. The
     * second search's tree replaces the first in the round's extraction.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder hardProblemRollouts(IntUnaryOperator f) {
      set.mark("hardProblemRollouts");
      hardRollouts = Objects.requireNonNull(f, "hardProblemRollouts");
      return this;
    }

    /**
     * Loads the PPM backbone's tokenizer (default {@link Tokenizers#fromFile}).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder tokenizers(Function<Path, Tokenizer> t) {
      set.mark("tokenizers");
      tokenizers = Objects.requireNonNull(t, "tokenizers");
      return this;
    }

    /**
     * Told of the progress.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder listener(Listener l) {
      set.mark("listener");
      listener = Objects.requireNonNull(l, "listener");
      return this;
    }

    /**
     * The loop.
     *
     * @throws IllegalStateException if no policy or no verifier was given
     */
    public SelfEvolution build() {
      if (policies == null && fineTunedPolicies == null) {
        throw new IllegalStateException(
            "a policy (or policy source, or policy fine-tuning) is required");
      }
      if (verifier == null) {
        throw new IllegalStateException("a verifier is required");
      }
      return new SelfEvolution(this);
    }
  }
}
