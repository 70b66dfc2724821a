package io.rstar4j.examples;

import io.rstar4j.core.Policy;
import io.rstar4j.core.Problem;
import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.http.OpenAiCompatiblePolicy;
import io.rstar4j.core.model.CausalLm;
import io.rstar4j.core.model.OnnxPolicy;
import io.rstar4j.core.testing.TinyQwen2;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.train.evolve.Benchmarks;
import io.rstar4j.train.evolve.RoundSummary;
import io.rstar4j.train.evolve.SelfEvolution;
import io.rstar4j.train.ppm.BackboneSettings;
import io.rstar4j.train.ppm.TrainingConfig;
import io.rstar4j.verify.GraalPyVerifier;
import io.rstar4j.verify.grade.MathGrader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Self-evolution through the library API: a few GSM8K problems, two or more rounds of search, SFT
 * data, preference pairs and (with a PPM backbone) a PPM per round.
 *
 * <pre>
 * java -cp rstar.jar io.rstar4j.examples.SelfEvolutionExample OUT_DIR [ROUNDS]
 *     [--server URL MODEL | --model DIR] [--ppm-backbone DIR]
 * </pre>
 *
 * Without a policy it generates the project's tiny random decoder, which shows the plumbing but
 * solves nothing (so no pairs and no PPM are produced). Rounds 3 and later need a PPM backbone.
 * Policy fine-tuning is a hook: here it only prints where the round's SFT data is.
 */
public final class SelfEvolutionExample {
  private SelfEvolutionExample() {}

  /** Runs the example; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println(
          "usage: SelfEvolutionExample OUT_DIR [ROUNDS] [--server URL MODEL |"
              + " --model DIR] [--ppm-backbone DIR]");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    int rounds = args.length > 1 && !args[1].startsWith("--") ? Integer.parseInt(args[1]) : 2;
    String server = null;
    String served = null;
    Path model = null;
    Path backbone = null;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--server" -> {
          server = args[++i];
          served = args[++i];
        }
        case "--model" -> model = Path.of(args[++i]);
        case "--ppm-backbone" -> backbone = Path.of(args[++i]);
        default -> {}
      }
    }
    boolean tiny = server == null && model == null;
    if (tiny) {
      model = Files.createTempDirectory("rstar-tiny-policy");
      TinyQwen2.writeExport(TinyQwen2.Config.tiny(), model);
      System.err.println("no policy given: using a tiny random decoder in " + model);
    }
    List<Problem> problems = Benchmarks.shipped("gsm8k").subList(0, 4);
    try (Policy policy =
            server != null
                ? OpenAiCompatiblePolicy.builder().baseUrl(server).model(served).build()
                : OnnxPolicy.builder(CausalLm.load(model))
                    .sampling(
                        SamplingParams.stepSearch().toBuilder().maxTokens(tiny ? 32 : 1024).build())
                    .build();
        GraalPyVerifier verifier = GraalPyVerifier.builder().build()) {
      SelfEvolution.Builder b =
          SelfEvolution.builder()
              .policy(policy)
              .verifier(verifier)
              .grader(MathGrader.standard())
              .batchProblems(4)
              // small searches so that the example finishes quickly; drop this for the reference
              // presets
              .roundConfigs(
                  r -> {
                    SearchConfig preset = SelfEvolution.presetFor(r);
                    return preset.toBuilder().rollouts(4).candidates(4).build();
                  })
              .ppmTraining(TrainingConfig.builder().epochs(2).build())
              .policyTrainer(
                  (round, sft, roundDir) -> {
                    System.out.println(
                        "round "
                            + round
                            + ": fine-tune the policy on "
                            + sft
                            + " with your trainer, then serve or export it for the next round");
                    return "left to the user";
                  });
      if (backbone != null) {
        b.ppmBackbone(backbone, BackboneSettings.defaults());
      }
      for (RoundSummary s : b.build().run(problems, rounds, out)) {
        System.out.println(s.describe());
      }
    }
  }
}
