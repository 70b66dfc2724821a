package io.rstar4j.train.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Problem;
import io.rstar4j.core.Trajectory;
import io.rstar4j.core.Verifier;
import io.rstar4j.train.evolve.SelfEvolution;
import io.rstar4j.verify.CPythonVerifier;
import io.rstar4j.verify.grade.MathGrader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DomainEvolutionTest {

  /** Counts the programs run, to see that a resumed run searches nothing. */
  static final class CountingVerifier implements Verifier {
    final Verifier inner;
    final AtomicInteger runs = new AtomicInteger();

    CountingVerifier(Verifier inner) {
      this.inner = inner;
    }

    @Override
    public ExecutionOutcome execute(String program) {
      runs.incrementAndGet();
      return inner.execute(program);
    }
  }

  @Test
  void oneTinyRoundWritesTheMeasuredTableAndResumes(@TempDir Path out) throws Exception {
    List<Problem> train =
        WordProblemGenerator.builder().seed(5).count(6).difficulty(1, 3).build().problems();
    List<Problem> test =
        WordProblemGenerator.builder()
            .seed(6)
            .split(Split.TEST)
            .count(5)
            .difficulty(1, 3)
            .build()
            .problems();
    BootstrapPolicy bootstrap = BootstrapPolicy.builder().seed(3).build();
    MathGrader grader = MathGrader.standard();
    List<String> trained = new ArrayList<>();
    try (CPythonVerifier python =
        CPythonVerifier.builder().workers(2).timeout(Duration.ofSeconds(10)).build()) {
      CountingVerifier verifier = new CountingVerifier(python);
      DomainEvolution.Builder b =
          DomainEvolution.builder()
              .trainProblems(train)
              .testProblems(test)
              .bootstrap(bootstrap)
              .verifier(verifier)
              .grader(grader)
              .roundConfigs(DomainEvolution.scaledPresets(2, 3))
              .testRollouts(2)
              .batchProblems(4)
              .policyTrainer(
                  (round, sft, dir) -> {
                    trained.add(round + ":" + Files.readAllLines(sft).size());
                    return "counted";
                  });
      List<DomainEvolution.RoundRow> rows = b.build().run(1, out);
      assertEquals(1, rows.size());
      DomainEvolution.RoundRow row = rows.get(0);

      // the row agrees with what SelfEvolution recorded and with the files
      JsonObject status =
          JsonParser.parseString(
                  Files.readString(SelfEvolution.roundDir(out, 1).resolve("round.json")))
              .getAsJsonObject();
      assertEquals(
          status.get("solved").getAsDouble() / status.get("problems").getAsDouble(),
          row.solvedShare(),
          1e-4);
      Path sft = SelfEvolution.roundDir(out, 1).resolve("sft.jsonl");
      assertEquals(Files.readAllLines(sft).size(), row.sftRecords());
      assertEquals(List.of("1:" + row.sftRecords()), trained, "the trainer saw the round's SFT");
      assertTrue(row.sftRecords() > 0, "the bootstrap round solves some easy problems");

      // greedy accuracy, recomputed independently with the teacher's own first-sample rollout
      int correct = 0;
      for (Problem p : test) {
        Trajectory t = bootstrap.rollout(p, python, 0);
        correct +=
            t.answer().isPresent() && grader.matchesAny(t.answer().get(), p.goldAnswers()) ? 1 : 0;
      }
      assertEquals((double) correct / test.size(), row.policyGreedyAccuracy(), 1e-9);
      assertNull(row.systemAccuracy(), "no PPM, no system search");
      assertNull(row.ppmSearchAccuracy());
      assertNull(row.ppmHeldoutPairwiseAccuracy());
      assertTrue(row.majorityAccuracy() >= 0 && row.majorityAccuracy() <= 1);
      assertTrue(row.seconds() > 0);

      // summary.json: one object per round, keys in order
      JsonArray summary =
          JsonParser.parseString(
                  Files.readString(
                      out.resolve(DomainEvolution.SUMMARY_FILE), StandardCharsets.UTF_8))
              .getAsJsonArray();
      assertEquals(1, summary.size());
      assertEquals(
          List.of(
              "round",
              "solved_share",
              "policy_greedy_accuracy",
              "ppm_search_accuracy",
              "system_accuracy",
              "majority_accuracy",
              "sft_records",
              "pairs",
              "ppm_heldout_pairwise_accuracy",
              "seconds"),
          new ArrayList<>(summary.get(0).getAsJsonObject().keySet()));
      assertTrue(DomainEvolution.table(rows).lines().count() == 2);

      // a rerun reads the round back and searches nothing
      verifier.runs.set(0);
      DomainEvolution again =
          DomainEvolution.builder()
              .trainProblems(train)
              .testProblems(test)
              .bootstrap(bootstrap)
              .verifier(verifier)
              .grader(grader)
              .roundConfigs(DomainEvolution.scaledPresets(2, 3))
              .build();
      assertEquals(rows, again.run(1, out));
      assertEquals(0, verifier.runs.get());
    }
  }
}
