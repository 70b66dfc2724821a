package io.rstar4j.examples.cli;

import io.rstar4j.core.Policy;
import io.rstar4j.core.Problem;
import io.rstar4j.core.RewardModel;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.io.OutputPaths;
import io.rstar4j.core.io.RunLock;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.train.evolve.PolicySource;
import io.rstar4j.train.evolve.PolicyTrainer;
import io.rstar4j.train.evolve.Rerun;
import io.rstar4j.train.evolve.RoundSummary;
import io.rstar4j.train.evolve.RunMismatchException;
import io.rstar4j.train.evolve.SelfEvolution;
import io.rstar4j.train.evolve.SolveProgress;
import io.rstar4j.train.ppm.BackboneSettings;
import io.rstar4j.train.ppm.TrainingConfig;
import io.rstar4j.train.ppm.TrainingListener;
import io.rstar4j.verify.grade.MathGrader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rstar evolve}: the self-evolution rounds, resumable. */
@Command(
    name = "evolve",
    description = {
      "self-evolution rounds: search, SFT data and preference pairs, PPM training (resumable)",
      "",
      "Round r writes DIR/round-r/: trees.jsonl, sft.jsonl, pairs.jsonl, ppm/ and round.json. Round"
          + " 1 is the bootstrap terminal-guided search, round 2 terminal-guided, rounds 3+"
          + " PPM-augmented with the latest PPM an earlier round trained. Every round trains a PPM"
          + " value head on its pairs (needs --ppm-backbone; required for 3+ rounds). Rerunning"
          + " resumes: finished rounds and stages are skipped, a search restarts at the first"
          + " problem without a saved tree. Prints one summary line per round; progress goes to"
          + " stderr.",
      "",
      "Policy fine-tuning does not run on ONNX Runtime: without --policy-trainer the policy stays"
          + " unchanged across rounds (and the log says so). --policy-trainer CMD runs CMD ROUND"
          + " SFT_FILE ROUND_DIR after each round; with --model, a model it exports to"
          + " ROUND_DIR/policy/ (model.onnx, tokenizer.json, config.json) is the policy of the next"
          + " round."
    })
final class EvolveCommand implements RstarCommand {

  @Option(
      names = "--rounds",
      paramLabel = "R",
      description = "self-evolution rounds to run (required, >= 1)")
  Integer roundsFlag;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "where the rounds go: DIR/round-r/")
  Path outDir;

  @Option(
      names = "--ppm-backbone",
      paramLabel = "DIR",
      description = "ONNX backbone with a hidden-state output (model.onnx, tokenizer.json)")
  String ppmBackbone;

  @Option(
      names = "--ppm-epochs",
      paramLabel = "E",
      defaultValue = "3",
      description = "PPM training epochs per round (default ${DEFAULT-VALUE})")
  int ppmEpochs;

  @Option(
      names = "--ppm-batch",
      paramLabel = "P",
      defaultValue = "32",
      description = "pairs per PPM training step (default ${DEFAULT-VALUE})")
  int ppmBatch;

  @Option(
      names = "--context",
      paramLabel = "T",
      defaultValue = "512",
      description = "tokens per PPM text (default ${DEFAULT-VALUE})")
  int context;

  @Option(
      names = "--policy-trainer",
      paramLabel = "CMD",
      description = "runs CMD ROUND SFT_FILE ROUND_DIR after each round (see above)")
  String policyTrainer;

  @Option(
      names = "--hard-rollouts",
      paramLabel = "N|reference",
      description =
          "from round 3, search the problems a round left unsolved again with N rollouts"
              + " (trees-hard.jsonl; their trees replace the first ones in extraction); 'reference':"
              + " 64 in round 3, 128 from round 4")
  String hardRollouts;

  @Mixin SearchSetup.Options options;

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) throws Exception {
    SearchSetup.Options a = options;
    int rounds = roundsFlag != null ? roundsFlag : 0;
    if (roundsFlag == null || rounds < 1) {
      throw new UsageException("--rounds R (>= 1) is required");
    }
    SearchSetup.checkPolicyFlags(a);
    SearchSetup.checkPpmFlags(a, null);
    int batch = SearchSetup.batchProblems(a);
    for (int r = 1; r <= rounds; r++) {
      SearchSetup.config(a, SelfEvolution.presetFor(r));
    }
    Path backbone = ppmBackbone != null ? Path.of(ppmBackbone) : null;
    if (backbone != null && !Files.isDirectory(backbone)) {
      throw new UsageException("no such PPM backbone directory: " + backbone);
    }
    if (rounds >= 3 && backbone == null && a.ppmServer == null) {
      throw new UsageException("rounds 3+ search with a PPM: give --ppm-backbone DIR");
    }
    java.util.function.IntUnaryOperator hard = round -> 0;
    if (hardRollouts != null) {
      String h = hardRollouts.trim();
      if (h.equalsIgnoreCase("reference")) {
        hard = SelfEvolution.referenceHardRollouts();
      } else {
        int k = Cli.intValue("--hard-rollouts", hardRollouts);
        if (k < 1) {
          throw new UsageException("--hard-rollouts must be >= 1 or 'reference'");
        }
        hard = round -> round >= 3 ? k : 0;
      }
    }
    TrainingConfig training;
    BackboneSettings settings;
    try {
      training = TrainingConfig.builder().epochs(ppmEpochs).batchSize(ppmBatch).build();
      settings = BackboneSettings.builder().contextLength(context).build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    Rerun rerun = SearchSetup.rerun(a);
    SearchSetup.checkOutputs(
        new OutputPaths()
            .input("--problems", SearchSetup.problemsFile(a))
            .input("--model", a.model == null ? null : Path.of(a.model))
            .input("--ppm-backbone", backbone)
            .outputDir("--out", outDir));
    List<Problem> problems;
    try {
      problems = SearchSetup.problems(a);
    } catch (IllegalArgumentException e) {
      err.println("rstar evolve: " + e.getMessage());
      return 1;
    }
    for (Problem p : problems) {
      if (!p.hasGold()) {
        err.println("rstar evolve: problem " + p.id() + " has no gold answer");
        return 1;
      }
    }
    // one run per output directory: taken before any model or sandbox starts
    RunLock lock = RunLock.onFile(outDir);
    Verifier verifier = null;
    RewardModel served = null;
    List<Policy> opened = new java.util.ArrayList<>();
    RoundProgress bars = new RoundProgress(err);
    try {
      verifier = SearchSetup.verifier(a);
      served = SearchSetup.servedPpm(a);
      Path modelDir = a.model != null ? Path.of(a.model) : null;
      PolicySource policies =
          round -> {
            Path dir = modelDir;
            if (modelDir != null && round > 1) {
              Path trained = SelfEvolution.roundDir(outDir, round - 1).resolve("policy");
              if (Files.isRegularFile(trained.resolve("model.onnx"))) {
                dir = trained;
                err.println("rstar evolve: round " + round + " searches with the policy in " + dir);
              }
            }
            Policy p = SearchSetup.policy(a, dir);
            opened.add(p);
            return p;
          };
      SelfEvolution.Builder b =
          SelfEvolution.builder()
              .fingerprint(fingerprint(a))
              .rerun(rerun)
              .policies(policies)
              .verifier(verifier)
              .grader(MathGrader.standard())
              .batchProblems(batch)
              .ppmTraining(training)
              .hardProblemRollouts(hard)
              .roundConfigs(r -> SearchSetup.config(a, SelfEvolution.presetFor(r)))
              .listener(
                  new SelfEvolution.Listener() {
                    @Override
                    public void onRoundStart(int round, SearchConfig c) {
                      err.printf(
                          Locale.ROOT,
                          "rstar evolve: round %d: %s search, %d rollouts, %d"
                              + " candidates over %d problems%n",
                          round,
                          c.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                          c.rollouts(),
                          c.candidates(),
                          problems.size());
                      bars.start(round, problems.size());
                    }

                    @Override
                    public void onProgress(int round, SolveProgress p) {
                      bars.update(round, p);
                    }

                    @Override
                    public TrainingListener onPpmTraining(int round) {
                      bars.close();
                      return bars.training(round, training.epochs());
                    }

                    @Override
                    public void onRoundDone(RoundSummary s) {
                      bars.close();
                      out.println(s.describe());
                      out.flush();
                    }
                  });
      if (backbone != null) {
        b.ppmBackbone(backbone, settings);
      }
      if (served != null) {
        b.servedPpm(served, String.join(",", a.ppmServer));
      }
      if (policyTrainer != null) {
        b.policyTrainer(external(policyTrainer, err));
      } else {
        err.println(
            "rstar evolve: no --policy-trainer: the policy is not fine-tuned between"
                + " rounds (the SFT data is written for an external trainer)");
      }
      try {
        b.build().run(problems, rounds, outDir);
      } catch (RunMismatchException e) {
        err.println("rstar evolve: " + SearchSetup.describe(e, "--out directory"));
        return 1;
      }
      return 0;
    } finally {
      bars.close();
      for (Policy p : opened) {
        SearchSetup.printServerStats("rstar evolve", p, err);
      }
      SearchSetup.printServerStats("rstar evolve", served, err);
      SearchSetup.closeQuietly(served, err);
      SearchSetup.closeQuietly(verifier, err);
      SearchSetup.closeQuietly(lock, err);
    }
  }

  /** The evolve settings that decide a round besides its search configuration and problems. */
  private Map<String, String> fingerprint(SearchSetup.Options a) {
    Map<String, String> m = new LinkedHashMap<>(SearchSetup.fingerprint(a, null));
    m.put("policy_trainer", policyTrainer == null ? "none" : policyTrainer.trim());
    return m;
  }

  /**
   * One progress bar per round's search (and per re-search of its hard problems), then the bars of
   * its PPM training.
   */
  private static final class RoundProgress implements AutoCloseable {
    private final PrintStream err;
    private Progress bar;
    private TrainPpmCommand.ProgressBar training;
    private int round;
    private long total;

    RoundProgress(PrintStream err) {
      this.err = err;
    }

    void start(int round, long total) {
      close();
      this.round = round;
      this.total = total;
      bar = Progress.search(err, "rstar evolve: round " + round, total);
    }

    void update(int round, SolveProgress p) {
      if (bar == null || this.round != round || total != p.total()) {
        start(round, p.total());
      }
      bar.update(p);
      if (p.done() >= p.total()) {
        close();
      }
    }

    TrainingListener training(int round, int epochs) {
      training =
          new TrainPpmCommand.ProgressBar(err, epochs, "rstar evolve: round " + round + " PPM");
      return training;
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
        bar = null;
      }
      if (training != null) {
        training.finish();
        training = null;
      }
    }
  }

  /** Runs {@code CMD ROUND SFT_FILE ROUND_DIR}, its output copied to stderr. */
  private static PolicyTrainer external(String command, PrintStream err) {
    List<String> base = new ArrayList<>(Arrays.asList(command.trim().split("\\s+")));
    if (base.isEmpty() || base.get(0).isEmpty()) {
      throw new UsageException("--policy-trainer needs a command");
    }
    return (round, sft, roundDir) -> {
      List<String> cmd = new ArrayList<>(base);
      cmd.add(Integer.toString(round));
      cmd.add(sft.toString());
      cmd.add(roundDir.toString());
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int code;
      try {
        code = p.waitFor();
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while the policy trainer ran", e);
      }
      if (!output.isEmpty()) {
        err.print(output.endsWith("\n") ? output : output + "\n");
      }
      if (code != 0) {
        throw new IOException(
            "policy trainer '"
                + command
                + "' failed for round "
                + round
                + " with exit code "
                + code);
      }
      boolean exported = Files.isRegularFile(roundDir.resolve("policy").resolve("model.onnx"));
      return "trained by '"
          + command
          + "'"
          + (exported ? ", exported to " + roundDir.resolve("policy") : "");
    };
  }
}
