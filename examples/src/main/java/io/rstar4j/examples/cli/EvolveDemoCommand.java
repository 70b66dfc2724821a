package io.rstar4j.examples.cli;

import io.rstar4j.core.Problem;
import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.model.CausalLm;
import io.rstar4j.core.model.OnnxPolicy;
import io.rstar4j.core.testing.TinyDecoderBackbone;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.train.domain.BootstrapPolicy;
import io.rstar4j.train.domain.DomainEvolution;
import io.rstar4j.train.domain.Split;
import io.rstar4j.train.domain.WordProblemGenerator;
import io.rstar4j.train.evolve.PolicyTrainer;
import io.rstar4j.train.evolve.RoundSummary;
import io.rstar4j.train.evolve.SelfEvolution;
import io.rstar4j.train.evolve.SolveProgress;
import io.rstar4j.train.ppm.BackboneSettings;
import io.rstar4j.train.ppm.TrainingConfig;
import io.rstar4j.verify.CPythonVerifier;
import io.rstar4j.verify.GraalPyVerifier;
import io.rstar4j.verify.grade.MathGrader;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rstar evolve-demo}: self-evolution on the embedded word-problem domain, with no download,
 * measured round by round.
 */
@Command(
    name = "evolve-demo",
    description = {
      "self-evolution on the embedded word-problem domain, measured round by round (resumable)",
      "",
      "Generates training and test word problems (the test split has its own seed and held-out"
          + " templates), runs the rounds (round 1: the bootstrap teacher with terminal-guided MCTS;"
          + " round 2: more rollouts; rounds 3+: PPM-augmented MCTS, extra rollouts for unsolved"
          + " problems), measures every round on the test split and prints the round table; writes"
          + " DIR/summary.json (one object per round) and DIR/round-r/ as `rstar evolve` does."
          + " Rerunning resumes.",
      "",
      "The policy is fine-tuned between rounds only when a policy trainer is available; without"
          + " one the bootstrap teacher searches every round (the log says so). The PPM's backbone"
          + " is --ppm-backbone DIR, or a tiny random decoder written to DIR/ppm-backbone/."
    })
final class EvolveDemoCommand implements RstarCommand {

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "where the rounds and summary.json go")
  Path outDir;

  @Option(
      names = "--rounds",
      paramLabel = "R",
      defaultValue = "4",
      description = "rounds (default ${DEFAULT-VALUE})")
  int rounds;

  @Option(
      names = "--preset",
      paramLabel = "P",
      defaultValue = "quick",
      description =
          "quick (about 10 minutes on 2 cores: 48 training and 32 test problems, levels 1-4) or"
              + " full (400 training and 200 test problems, levels 1-8)")
  String preset;

  @Option(names = "--train", paramLabel = "N", description = "training problems (preset's)")
  Integer trainCount;

  @Option(names = "--test", paramLabel = "N", description = "test problems (preset's)")
  Integer testCount;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "1",
      description = "seed of the problems and the teacher (default ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--ppm-backbone",
      paramLabel = "DIR",
      description = "ONNX backbone with a last_hidden_state output (default: a tiny random one)")
  Path ppmBackbone;

  @Option(
      names = "--verifier",
      paramLabel = "V",
      defaultValue = "graalpy",
      description = "graalpy (embedded; default) or cpython (python3 worker processes)")
  String verifierName;

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) throws Exception {
    if (rounds < 1) {
      throw new UsageException("--rounds must be >= 1");
    }
    boolean full;
    switch (preset) {
      case "quick" -> full = false;
      case "full" -> full = true;
      default -> throw new UsageException("--preset must be quick or full, was '" + preset + "'");
    }
    int nTrain = trainCount != null ? trainCount : full ? 400 : 48;
    int nTest = testCount != null ? testCount : full ? 200 : 32;
    if (nTrain < 1 || nTest < 0) {
      throw new UsageException("--train must be >= 1 and --test >= 0");
    }
    int maxLevel = full ? 8 : 4;
    List<Problem> train =
        WordProblemGenerator.builder()
            .seed(seed)
            .split(Split.TRAIN)
            .count(nTrain)
            .difficulty(1, maxLevel)
            .build()
            .problems();
    List<Problem> test =
        nTest == 0
            ? List.of()
            : WordProblemGenerator.builder()
                .seed(seed + 1_000_003L)
                .split(Split.TEST)
                .count(nTest)
                .difficulty(1, maxLevel)
                .build()
                .problems();
    Files.createDirectories(outDir);
    Path backbone = ppmBackbone;
    if (backbone == null) {
      backbone = outDir.resolve("ppm-backbone");
      if (!Files.isRegularFile(backbone.resolve("model.onnx"))) {
        TinyDecoderBackbone.write(backbone);
      }
      err.println(
          "rstar evolve-demo: PPM backbone: a tiny random decoder in "
              + backbone
              + " (its value head is trained; give --ppm-backbone DIR for another)");
    } else if (!Files.isDirectory(backbone)) {
      throw new UsageException("no such PPM backbone directory: " + backbone);
    }
    int rollouts = full ? 16 : 8;
    int candidates = full ? 5 : 4;
    err.printf(
        Locale.ROOT,
        "rstar evolve-demo: %d rounds, %d training and %d test problems (levels 1-%d), %d"
            + " rollouts in round 1 (twice as many later) -> %s%n",
        rounds,
        nTrain,
        nTest,
        maxLevel,
        rollouts,
        outDir);
    long start = System.nanoTime();
    Verifier verifier = null;
    Progress[] bar = {null};
    try {
      verifier = verifier(verifierName);
      PolicyTrainer trainer = PolicyTrainer.unchanged();
      DomainEvolution demo =
          DomainEvolution.builder()
              .trainProblems(train)
              .testProblems(test)
              .bootstrap(BootstrapPolicy.builder().seed(seed).build())
              .verifier(verifier)
              .grader(MathGrader.standard())
              .roundConfigs(DomainEvolution.scaledPresets(rollouts, candidates))
              .hardProblemRollouts(r -> r >= 3 ? 4 * rollouts : 0)
              .testRollouts(rollouts)
              .batchProblems(16)
              .ppmBackbone(backbone, BackboneSettings.builder().contextLength(256).build())
              .ppmTraining(TrainingConfig.builder().epochs(full ? 3 : 2).batchSize(32).build())
              .policyTrainer(trainer)
              .policyOpener(
                  (dir, temperature) ->
                      OnnxPolicy.builder(CausalLm.load(dir))
                          .sampling(
                              SamplingParams.stepSearch().toBuilder()
                                  .temperature(temperature)
                                  .maxTokens(256)
                                  .build())
                          .build())
              .listener(
                  new SelfEvolution.Listener() {
                    @Override
                    public void onRoundStart(int round, SearchConfig c) {
                      close(bar);
                      err.printf(
                          Locale.ROOT,
                          "rstar evolve-demo: round %d: %s search, %d rollouts, %d candidates%n",
                          round,
                          c.mode().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                          c.rollouts(),
                          c.candidates());
                    }

                    @Override
                    public void onProgress(int round, SolveProgress p) {
                      if (bar[0] == null) {
                        bar[0] =
                            Progress.search(err, "rstar evolve-demo: round " + round, p.total());
                      }
                      bar[0].update(p);
                      if (p.done() >= p.total()) {
                        close(bar);
                      }
                    }

                    @Override
                    public void onRoundDone(RoundSummary s) {
                      close(bar);
                      err.println("rstar evolve-demo: " + s.describe());
                    }
                  })
              .build();
      List<DomainEvolution.RoundRow> rows = demo.run(rounds, outDir);
      close(bar);
      out.print(DomainEvolution.table(rows));
      out.printf(
          Locale.ROOT,
          "wrote %s (%.1f s)%n",
          outDir.resolve(DomainEvolution.SUMMARY_FILE),
          (System.nanoTime() - start) / 1e9);
      out.flush();
      return 0;
    } finally {
      close(bar);
      SearchSetup.closeQuietly(verifier, err);
    }
  }

  private static void close(Progress[] bar) {
    if (bar[0] != null) {
      bar[0].close();
      bar[0] = null;
    }
  }

  private static Verifier verifier(String name) throws java.io.IOException {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "graalpy":
        {
          GraalPyVerifier g = GraalPyVerifier.builder().timeout(Duration.ofSeconds(5)).build();
          g.awaitReady(Duration.ofMinutes(3));
          return g;
        }
      case "cpython":
        return CPythonVerifier.builder().timeout(Duration.ofSeconds(5)).build();
      default:
        throw new UsageException("--verifier must be graalpy or cpython, was '" + name + "'");
    }
  }
}
