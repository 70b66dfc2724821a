package io.rstar4j.train.evolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.rstar4j.core.Problem;
import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.model.OnnxPolicy;
import io.rstar4j.core.testing.TinyDecoderBackbone;
import io.rstar4j.core.testing.TinyQwen2;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.mcts.SearchMode;
import io.rstar4j.train.ppm.BackboneSettings;
import io.rstar4j.train.ppm.ProcessPreferenceModel;
import io.rstar4j.train.ppm.TrainingConfig;
import io.rstar4j.verify.CPythonVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfEvolutionTest {
  static CPythonVerifier verifier;
  @TempDir static Path shared;
  static Path backbone;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    verifier = CPythonVerifier.builder().workers(2).timeout(Duration.ofSeconds(5)).build();
    backbone = TinyDecoderBackbone.write(shared.resolve("backbone"));
  }

  @AfterAll
  static void stop() {
    verifier.close();
  }

  static JsonObject status(Path out, int round) throws Exception {
    return JsonParser.parseString(
            Files.readString(SelfEvolution.roundDir(out, round).resolve(SelfEvolution.STATUS_FILE)))
        .getAsJsonObject();
  }

  static SearchConfig small(int round) {
    return SelfEvolution.presetFor(round).toBuilder().rollouts(10).candidates(3).build();
  }

  SelfEvolution.Builder evolution(ArithmeticPolicy policy, List<String> trained) {
    return SelfEvolution.builder()
        .policy(policy)
        .verifier(verifier)
        .ppmBackbone(backbone, BackboneSettings.builder().contextLength(128).batchSize(8).build())
        .ppmTraining(TrainingConfig.builder().epochs(2).batchSize(8).build())
        .roundConfigs(SelfEvolutionTest::small)
        .policyTrainer(
            (round, sft, roundDir) -> {
              trained.add(round + ":" + Files.readAllLines(sft).size());
              return "trainer saw round " + round;
            })
        .batchProblems(2);
  }

  @Test
  void aServedPpmScoresThePpmAugmentedRoundsWithoutABackbone() throws Exception {
    List<Problem> problems =
        List.of(ArithmeticPolicy.problem("a", 2, 3), ArithmeticPolicy.problem("b", 4, 5));
    java.util.concurrent.atomic.AtomicLong scored = new java.util.concurrent.atomic.AtomicLong();
    io.rstar4j.core.RewardModel served =
        batch -> {
          scored.addAndGet(batch.size());
          return new double[batch.size()];
        };
    Path out = dir.resolve("served");
    SelfEvolution.builder()
        .policy(new ArithmeticPolicy())
        .verifier(verifier)
        .servedPpm(served, "http://ppm:8001")
        .roundConfigs(r -> small(3))
        .batchProblems(2)
        .build()
        .run(problems, 1, out);
    assertTrue(scored.get() > 0, "the served PPM scored the steps");
    assertEquals("served:http://ppm:8001", status(out, 1).get("ppm_used").getAsString());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SelfEvolution.builder()
                .policy(new ArithmeticPolicy())
                .verifier(verifier)
                .roundConfigs(r -> small(3))
                .build()
                .run(problems, 1, dir.resolve("none")),
        "a PPM-augmented round needs a backbone or a served PPM");
  }

  @Test
  void threeRoundsProduceDataTrainPpmsAndUseThemThenResume() throws Exception {
    List<Problem> problems =
        List.of(
            ArithmeticPolicy.problem("a", 2, 3),
            ArithmeticPolicy.problem("b", 4, 5),
            ArithmeticPolicy.problem("c", 6, 7));
    ArithmeticPolicy policy = new ArithmeticPolicy();
    List<String> trained = new ArrayList<>();
    List<Integer> done = new ArrayList<>();
    SelfEvolution evo =
        evolution(policy, trained)
            .listener(
                new SelfEvolution.Listener() {
                  @Override
                  public void onRoundDone(RoundSummary s) {
                    done.add(s.round());
                  }
                })
            .build();
    Path out = dir.resolve("evo");
    List<RoundSummary> rounds = evo.run(problems, 3, out);
    assertEquals(List.of(1, 2, 3), done);
    assertEquals(
        List.of(SearchMode.TERMINAL_GUIDED, SearchMode.TERMINAL_GUIDED, SearchMode.PPM_AUGMENTED),
        rounds.stream().map(RoundSummary::mode).toList());
    for (RoundSummary s : rounds) {
      Path rd = SelfEvolution.roundDir(out, s.round());
      assertEquals(3, Files.readAllLines(rd.resolve("trees.jsonl")).size());
      assertEquals(3, s.solved(), s.describe());
      assertTrue(s.sftRecords() > 0, s.describe());
      assertTrue(s.pairs() > 0, s.describe());
      assertEquals(s.pairs(), Files.readAllLines(rd.resolve("pairs.jsonl")).size());
      assertEquals(s.sftRecords(), Files.readAllLines(rd.resolve("sft.jsonl")).size());
      assertEquals(rd.resolve("ppm"), s.ppm());
      assertTrue(Files.exists(s.ppm().resolve(ProcessPreferenceModel.SETTINGS_FILE)));
      assertFalse(s.resumed());
      JsonObject st = status(out, s.round());
      assertEquals("done", st.get("stage").getAsString());
      assertTrue(st.get("complete").getAsBoolean());
      assertEquals("trainer saw round " + s.round(), s.policyUpdate());
    }
    assertEquals("round-2/ppm", status(out, 3).get("ppm_used").getAsString());
    assertFalse(status(out, 2).has("ppm_used"));
    assertEquals("ppm-augmented", status(out, 3).get("mode").getAsString());
    try (ProcessPreferenceModel ppm = ProcessPreferenceModel.load(rounds.get(1).ppm())) {
      double[] s = ppm.scoreTexts(List.of("x", "y"));
      assertTrue(Double.isFinite(s[0]) && Math.abs(s[0]) <= 1);
    }
    assertEquals(3, trained.size());

    // a rerun reads the rounds back
    long calls = policy.calls.get();
    List<RoundSummary> again = evolution(policy, trained).build().run(problems, 3, out);
    assertEquals(calls, policy.calls.get());
    assertEquals(3, trained.size(), "the trainer is not called again for finished rounds");
    for (int i = 0; i < 3; i++) {
      assertTrue(again.get(i).resumed());
      assertEquals(rounds.get(i).pairs(), again.get(i).pairs());
      assertEquals(rounds.get(i).solved(), again.get(i).solved());
    }

    // a round interrupted after its search: the search is not redone, the later stages are
    JsonObject st = status(out, 3);
    st.addProperty("stage", "searched");
    Files.writeString(SelfEvolution.roundDir(out, 3).resolve("round.json"), st.toString());
    Files.delete(SelfEvolution.roundDir(out, 3).resolve("sft.jsonl"));
    List<Integer> searched = new ArrayList<>();
    List<RoundSummary> third =
        evolution(policy, trained)
            .listener(
                new SelfEvolution.Listener() {
                  @Override
                  public void onRoundStart(int round, SearchConfig config) {
                    searched.add(round);
                    assertEquals(
                        calls, policy.calls.get(), "no policy call before round 4's search");
                  }
                })
            .build()
            .run(problems, 4, out);
    assertEquals(List.of(4), searched);
    assertTrue(policy.calls.get() > calls);
    assertEquals(
        3, Files.readAllLines(SelfEvolution.roundDir(out, 3).resolve("trees.jsonl")).size());
    assertFalse(third.get(2).resumed());
    assertTrue(Files.exists(SelfEvolution.roundDir(out, 3).resolve("sft.jsonl")));
    assertEquals(rounds.get(2).sftRecords(), third.get(2).sftRecords());
    assertEquals(SearchMode.PPM_AUGMENTED, third.get(3).mode());
    assertEquals("round-3/ppm", status(out, 4).get("ppm_used").getAsString());
    assertEquals(
        List.of(
            "1:" + rounds.get(0).sftRecords(),
            "2:" + rounds.get(1).sftRecords(),
            "3:" + rounds.get(2).sftRecords(),
            "3:" + rounds.get(2).sftRecords(),
            "4:" + third.get(3).sftRecords()),
        trained);
  }

  @Test
  void aChangedProblemSetIsRefusedUnlessExtendedAndThenReopensTheRound() throws Exception {
    ArithmeticPolicy policy = new ArithmeticPolicy();
    List<String> trained = new ArrayList<>();
    Path out = dir.resolve("evo");
    List<Problem> two =
        List.of(ArithmeticPolicy.problem("a", 2, 3), ArithmeticPolicy.problem("b", 4, 5));
    RoundSummary first = evolution(policy, trained).build().run(two, 1, out).get(0);
    assertEquals(2, first.problems());
    long requests = policy.requests.get();
    List<Problem> three = new ArrayList<>(two);
    three.add(ArithmeticPolicy.problem("c", 1, 8));
    RunMismatchException refused =
        assertThrows(
            RunMismatchException.class,
            () -> evolution(policy, trained).build().run(three, 1, out));
    assertEquals(List.of("problem_set"), refused.fields());
    assertTrue(
        refused.getMessage().contains("round 1 problem_set: was 2 problems")
            && refused.getMessage().contains("now 3 problems"),
        refused.getMessage());
    assertEquals(requests, policy.requests.get(), "nothing searched before the refusal");
    RoundSummary again =
        evolution(policy, trained).rerun(Rerun.EXTEND).build().run(three, 1, out).get(0);
    assertFalse(again.resumed());
    assertEquals(3, again.problems());
    assertEquals(3, again.solved());
    assertEquals(3, Files.readAllLines(again.directory().resolve("trees.jsonl")).size());
    assertTrue(again.sftRecords() > first.sftRecords());
    long perProblem = requests / 2;
    assertEquals(
        requests + perProblem,
        policy.requests.get(),
        "only the new problem is searched (the policy is deterministic per problem)");
    assertEquals(List.of("1:" + first.sftRecords(), "1:" + again.sftRecords()), trained);
    assertTrue(evolution(policy, trained).build().run(three, 1, out).get(0).resumed());

    // back to a smaller set, extended: the round's data come from its own problems only
    List<Problem> one = List.of(ArithmeticPolicy.problem("c", 1, 8));
    RoundSummary small =
        evolution(policy, trained).rerun(Rerun.EXTEND).build().run(one, 1, out).get(0);
    assertEquals(1, small.problems());
    Set<String> prompts = new HashSet<>();
    for (String line : Files.readAllLines(small.directory().resolve("sft.jsonl"))) {
      prompts.add(
          com.google.gson.JsonParser.parseString(line)
              .getAsJsonObject()
              .get("query")
              .getAsString());
    }
    assertEquals(1, prompts.size(), "one problem's SFT records only: " + prompts);
    assertTrue(prompts.iterator().next().contains(one.get(0).question()), prompts.toString());
    assertEquals(
        3,
        Files.readAllLines(small.directory().resolve("trees.jsonl")).size(),
        "the other problems' trees are kept for a later run");
  }

  @Test
  void anotherSearchConfigurationIsRefusedUnlessRestartedAndTheOldRunIsKeptAside()
      throws Exception {
    ArithmeticPolicy policy = new ArithmeticPolicy();
    List<String> trained = new ArrayList<>();
    Path out = dir.resolve("evo-config");
    List<Problem> two =
        List.of(ArithmeticPolicy.problem("a", 2, 3), ArithmeticPolicy.problem("b", 4, 5));
    evolution(policy, trained).fingerprint(Map.of("seed", "1")).build().run(two, 1, out);
    RunMismatchException refused =
        assertThrows(
            RunMismatchException.class,
            () ->
                evolution(policy, trained)
                    .fingerprint(Map.of("seed", "2"))
                    .build()
                    .run(two, 1, out));
    assertEquals(List.of("seed"), refused.fields());
    assertTrue(refused.getMessage().contains("round 1 seed: was 1, now 2"), refused.getMessage());
    RunMismatchException extendIsNotEnough =
        assertThrows(
            RunMismatchException.class,
            () ->
                evolution(policy, trained)
                    .fingerprint(Map.of("seed", "2"))
                    .rerun(Rerun.EXTEND)
                    .build()
                    .run(two, 1, out));
    assertEquals(List.of("seed"), extendIsNotEnough.fields());
    RoundSummary restarted =
        evolution(policy, trained)
            .fingerprint(Map.of("seed", "2"))
            .rerun(Rerun.RESTART)
            .build()
            .run(two, 1, out)
            .get(0);
    assertFalse(restarted.resumed());
    List<Path> aside;
    try (var s = Files.list(dir)) {
      aside = s.filter(p -> p.getFileName().toString().startsWith("evo-config.old-")).toList();
    }
    assertEquals(1, aside.size(), aside.toString());
    assertTrue(Files.isRegularFile(aside.get(0).resolve("round-1/trees.jsonl")));
    assertTrue(
        Files.readString(out.resolve("round-1").resolve(SelfEvolution.FINGERPRINT_FILE))
            .contains("\"seed\":\"2\""));
  }

  @Test
  void unsolvedProblemsAreSearchedAgainWithMoreRollouts() throws Exception {
    List<Problem> two =
        List.of(ArithmeticPolicy.problem("a", 2, 3), ArithmeticPolicy.problem("b", 4, 5));
    // one rollout follows the first candidate, which a fresh policy makes a multiplication
    java.util.function.Supplier<SelfEvolution.Builder> fresh =
        () ->
            SelfEvolution.builder()
                .policy(new ArithmeticPolicy())
                .verifier(verifier)
                .roundConfigs(
                    r -> SelfEvolution.presetFor(r).toBuilder().rollouts(1).candidates(3).build());
    RoundSummary plain = fresh.get().build().run(two, 1, dir.resolve("plain")).get(0);
    SelfEvolution.Builder b = fresh.get();
    assertEquals(0, plain.solved());
    assertEquals(0, plain.sftRecords());
    List<SearchConfig> searches = new ArrayList<>();
    RoundSummary hard =
        b.hardProblemRollouts(r -> 10)
            .listener(
                new SelfEvolution.Listener() {
                  @Override
                  public void onRoundStart(int round, SearchConfig config) {
                    searches.add(config);
                  }
                })
            .build()
            .run(two, 1, dir.resolve("hard"))
            .get(0);
    assertEquals(List.of(1, 10), searches.stream().map(SearchConfig::rollouts).toList());
    assertEquals(2, hard.solved());
    assertTrue(hard.sftRecords() > 0);
    JsonObject st = status(dir.resolve("hard"), 1);
    assertEquals(2, st.get("hard_problems").getAsInt());
    assertEquals(2, st.get("hard_solved").getAsInt());
    assertEquals(2, Files.readAllLines(hard.directory().resolve("trees-hard.jsonl")).size());
    assertEquals(2, Files.readAllLines(hard.directory().resolve("trees.jsonl")).size());
    assertEquals(64, SelfEvolution.referenceHardRollouts().applyAsInt(3));
    assertEquals(128, SelfEvolution.referenceHardRollouts().applyAsInt(4));
    assertEquals(0, SelfEvolution.referenceHardRollouts().applyAsInt(2));
  }

  @Test
  void tinyOnnxPolicyRunsEveryStageWithoutPairs() throws Exception {
    Path model = dir.resolve("policy");
    TinyQwen2.writeExport(TinyQwen2.Config.tiny(), model);
    List<Problem> problems =
        List.of(Problem.of("0", "What is 1 + 1?", "2"), Problem.of("1", "What is 2 + 2?", "4"));
    Path out = dir.resolve("evo");
    try (OnnxPolicy policy =
        OnnxPolicy.builder(io.rstar4j.core.model.CausalLm.load(model))
            .sampling(SamplingParams.stepSearch().toBuilder().maxTokens(12).seed(7).build())
            .build()) {
      List<RoundSummary> rounds =
          SelfEvolution.builder()
              .policy(policy)
              .verifier(verifier)
              .ppmBackbone(backbone, BackboneSettings.builder().contextLength(64).build())
              .roundConfigs(
                  r ->
                      SelfEvolution.presetFor(r).toBuilder()
                          .rollouts(2)
                          .candidates(2)
                          .engine(
                              SelfEvolution.presetFor(r).engine().toBuilder().maxDepth(3).build())
                          .build())
              .batchProblems(2)
              .build()
              .run(problems, 3, out);
      assertEquals(3, rounds.size());
      for (RoundSummary s : rounds) {
        assertEquals(2, s.problems());
        assertEquals(2, Files.readAllLines(s.directory().resolve("trees.jsonl")).size());
        assertTrue(Files.exists(s.directory().resolve("sft.jsonl")));
        assertTrue(Files.exists(s.directory().resolve("pairs.jsonl")));
        if (s.pairs() == 0) {
          assertNull(s.ppm());
        }
        assertTrue(s.policyUpdate().startsWith("unchanged"), s.policyUpdate());
      }
      String used = status(out, 3).get("ppm_used").getAsString();
      assertTrue(used.equals("untrained") || used.endsWith("/ppm"), used);
    }
  }

  @Test
  void misconfigurationsAreRejectedUpFront() {
    ArithmeticPolicy policy = new ArithmeticPolicy();
    SelfEvolution noBackbone = SelfEvolution.builder().policy(policy).verifier(verifier).build();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> noBackbone.run(List.of(ArithmeticPolicy.problem("a", 1, 2)), 3, dir));
    assertTrue(e.getMessage().contains("round 3"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> noBackbone.run(List.of(Problem.of("x", "What is 1 + 1?")), 1, dir));
    assertTrue(e.getMessage().contains("no gold answer"), e.getMessage());
    assertThrows(
        IllegalStateException.class, () -> SelfEvolution.builder().verifier(verifier).build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SelfEvolution.builder().ppmBackbone(dir.resolve("none"), BackboneSettings.defaults()));
    IllegalStateException twice =
        assertThrows(
            IllegalStateException.class,
            () -> SelfEvolution.builder().policy(policy).policies(round -> policy));
    assertTrue(twice.getMessage().contains("policy was already set"), twice.getMessage());
    assertEquals(
        "batchProblems was already set",
        assertThrows(
                IllegalStateException.class,
                () -> SelfEvolution.builder().batchProblems(2).batchProblems(3))
            .getMessage());
    assertNotNull(SelfEvolution.presetFor(4));
    assertThrows(IllegalArgumentException.class, () -> SelfEvolution.presetFor(0));
  }
}
