package io.rstar4j.bench.evolve;

import io.rstar4j.bench.HarnessArgs;
import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Generation;
import io.rstar4j.core.Policy;
import io.rstar4j.core.PolicyRequest;
import io.rstar4j.core.Problem;
import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.model.CausalLm;
import io.rstar4j.core.model.OnnxPolicy;
import io.rstar4j.core.testing.TinyQwen2;
import io.rstar4j.mcts.ReasoningSearch;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.train.evolve.SearchRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput of {@code rstar solve}'s engine ({@link SearchRunner}): problems per second with trees
 * streamed to a file, (1) with an instant scripted policy and verifier, which measures the runner's
 * own cost (search bookkeeping, tree export, JSON, I/O), and (2) with the tiny generated ONNX
 * decoder, one problem per lock-step group against several, which shows what lock-step batching
 * buys on a real model runtime.
 *
 * <pre>
 * java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" io.rstar4j.bench.evolve.SolveThroughput \
 *     [--problems 64] [--rollouts 8] [--n 4] [--max-tokens 16]
 * </pre>
 */
public final class SolveThroughput {
  private SolveThroughput() {}

  @Command(name = "SolveThroughput", description = "throughput of rstar solve's search runner")
  static final class Options {
    @Option(
        names = "--problems",
        paramLabel = "N",
        defaultValue = "64",
        description = "problems (default ${DEFAULT-VALUE})")
    int problems;

    @Option(
        names = "--rollouts",
        paramLabel = "N",
        defaultValue = "8",
        description = "rollouts per problem (default ${DEFAULT-VALUE})")
    int rollouts;

    @Option(
        names = "--n",
        paramLabel = "N",
        defaultValue = "4",
        description = "candidates per expansion (default ${DEFAULT-VALUE})")
    int n;

    @Option(
        names = "--max-tokens",
        paramLabel = "N",
        defaultValue = "16",
        description = "tokens per step of the tiny decoder (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--help", usageHelp = true, description = "show this help")
    boolean help;
  }

  /** Runs the measurements and prints one line each. */
  public static void main(String[] args) throws Exception {
    Options opts = HarnessArgs.parse(new Options(), args);
    int nProblems = opts.problems;
    int rollouts = opts.rollouts;
    int n = opts.n;
    int maxTokens = opts.maxTokens;
    List<Problem> problems = new ArrayList<>();
    for (int i = 0; i < nProblems; i++) {
      problems.add(
          Problem.of("p" + i, "What is " + i + " + " + (i + 3) + "?", Integer.toString(2 * i + 3)));
    }
    SearchConfig cfg =
        SearchConfig.bootstrapRound().toBuilder().rollouts(rollouts).candidates(n).build();
    Path dir = Files.createTempDirectory("rstar-solve-bench");

    ScriptedPolicy scripted = new ScriptedPolicy();
    Verifier instant =
        program -> new ExecutionOutcome.Output(program.contains("print") ? "7" : "", Duration.ZERO);
    for (int warm = 0; warm < 2; warm++) {
      run(
          "warm-up",
          scripted,
          instant,
          cfg,
          problems,
          16,
          dir.resolve("w" + warm + ".jsonl"),
          false);
    }
    run(
        "scripted policy + instant verifier, 16 per group",
        scripted,
        instant,
        cfg,
        problems,
        16,
        dir.resolve("s.jsonl"),
        true);

    Path model = dir.resolve("tiny");
    TinyQwen2.writeExport(TinyQwen2.Config.tiny(), model);
    List<Problem> few = problems.subList(0, Math.min(16, problems.size()));
    try (OnnxPolicy onnx =
        OnnxPolicy.builder(CausalLm.load(model))
            .sampling(SamplingParams.stepSearch().toBuilder().maxTokens(maxTokens).seed(1).build())
            .build()) {
      run("warm-up", onnx, instant, cfg, few.subList(0, 2), 2, dir.resolve("ow.jsonl"), false);
      for (int b : new int[] {1, 4, 16}) {
        run(
            "tiny ONNX decoder (" + maxTokens + " tokens/step), " + b + " per group",
            onnx,
            instant,
            cfg,
            few,
            b,
            dir.resolve("o" + b + ".jsonl"),
            true);
      }
    }
  }

  private static void run(
      String label,
      Policy policy,
      Verifier verifier,
      SearchConfig cfg,
      List<Problem> problems,
      int batch,
      Path trees,
      boolean print)
      throws Exception {
    ReasoningSearch search = ReasoningSearch.builder(policy, verifier).config(cfg).build();
    long t0 = System.nanoTime();
    SearchRunner.builder(search).batchProblems(batch).build().run(problems, trees);
    double secs = (System.nanoTime() - t0) / 1e9;
    if (print) {
      System.out.printf(
          Locale.ROOT,
          "%-60s %4d problems in %7.3f s: %8.1f problems/s, tree file" + " %,d bytes%n",
          label,
          problems.size(),
          secs,
          problems.size() / secs,
          Files.size(trees));
    }
  }

  /** Three candidate first steps, a print step, an answer step; instant. */
  static final class ScriptedPolicy implements Policy {
    private final AtomicLong calls = new AtomicLong();

    @Override
    public List<List<Generation>> propose(List<PolicyRequest> batch) {
      long c = calls.incrementAndGet();
      List<List<Generation>> out = new ArrayList<>(batch.size());
      for (PolicyRequest r : batch) {
        String prompt = r.prompt();
        List<Generation> g = new ArrayList<>();
        if (prompt.contains("<end_of_code>")) {
          g.add(Generation.of("<answer>\\boxed{" + (c % 2 == 0 ? "7" : "8") + "}<end_of_answer>"));
        } else if (prompt.contains("<end_of_step>")) {
          g.add(Generation.of("\n# Now print the final answer\nprint(x)\n<end_of_code>"));
        } else {
          for (int i = 0; i < r.n(); i++) {
            g.add(
                Generation.of(
                    "<code>\n# candidate "
                        + ((i + c) % 3)
                        + "\nx = "
                        + ((i + c) % 3)
                        + "\n<end_of_step>"));
          }
        }
        out.add(g);
      }
      return out;
    }
  }
}
