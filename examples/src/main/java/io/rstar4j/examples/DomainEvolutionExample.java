package io.rstar4j.examples;

import io.rstar4j.core.Problem;
import io.rstar4j.train.domain.BootstrapPolicy;
import io.rstar4j.train.domain.DomainEvolution;
import io.rstar4j.train.domain.Split;
import io.rstar4j.train.domain.WordProblemGenerator;
import io.rstar4j.verify.GraalPyVerifier;
import io.rstar4j.verify.grade.MathGrader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Two rounds of self-evolution on the embedded word-problem domain, through the API: generate
 * training and held-out test problems, let the bootstrap teacher and terminal-guided MCTS make
 * verified SFT data and preference pairs, and print the measured round table ({@code
 * OUT_DIR/summary.json} holds it too). Plug a {@code PolicyTrainer} and a {@code PolicyOpener} into
 * the builder to fine-tune a policy between rounds, and a PPM backbone for rounds 3 and 4.
 *
 * <p>Usage: {@code DomainEvolutionExample OUT_DIR}. Rerunning resumes.
 */
public final class DomainEvolutionExample {
  private DomainEvolutionExample() {}

  /** Runs the example. */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: DomainEvolutionExample OUT_DIR");
      System.exit(2);
    }
    List<Problem> train =
        WordProblemGenerator.builder().seed(1).count(24).difficulty(1, 4).build().problems();
    List<Problem> test =
        WordProblemGenerator.builder()
            .seed(2)
            .split(Split.TEST)
            .count(16)
            .difficulty(1, 4)
            .build()
            .problems();
    try (GraalPyVerifier verifier =
        GraalPyVerifier.builder().timeout(Duration.ofSeconds(5)).build()) {
      DomainEvolution evolution =
          DomainEvolution.builder()
              .trainProblems(train)
              .testProblems(test)
              .bootstrap(BootstrapPolicy.builder().seed(1).build())
              .verifier(verifier)
              .grader(MathGrader.standard())
              .roundConfigs(DomainEvolution.scaledPresets(8, 4))
              .testRollouts(8)
              .build();
      List<DomainEvolution.RoundRow> rows = evolution.run(2, Path.of(args[0]));
      System.out.print(DomainEvolution.table(rows));
    }
  }
}
