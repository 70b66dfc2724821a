package io.rstar4j.train.evolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.Problem;
import io.rstar4j.core.io.RunLock;
import io.rstar4j.core.tree.ReasoningTrees;
import io.rstar4j.mcts.ReasoningSearch;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.verify.CPythonVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchRunnerTest {
  static CPythonVerifier verifier;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    verifier = CPythonVerifier.builder().workers(2).timeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    verifier.close();
  }

  static List<Problem> problems() {
    return List.of(
        ArithmeticPolicy.problem("p0", 2, 3),
        ArithmeticPolicy.problem("p1", 4, 5),
        ArithmeticPolicy.problem("p2", 10, 7),
        Problem.of("p3", "What is 1 + 1?"));
  }

  static ReasoningSearch search(ArithmeticPolicy policy) {
    SearchConfig cfg = SearchConfig.bootstrapRound().toBuilder().rollouts(10).candidates(3).build();
    return ReasoningSearch.builder(policy, verifier).config(cfg).build();
  }

  @Test
  void streamsTreesInGroupsAndResumes() throws Exception {
    List<Problem> gold = problems().subList(0, 3);
    ArithmeticPolicy policy = new ArithmeticPolicy();
    Path trees = dir.resolve("sub/trees.jsonl");
    List<SolveOutcome> seen = new ArrayList<>();
    List<SolveProgress> progress = new ArrayList<>();
    SearchRunner runner =
        SearchRunner.builder(search(policy))
            .batchProblems(2)
            .onOutcome(seen::add)
            .onProgress(progress::add)
            .build();
    List<SolveOutcome> first = runner.run(gold, trees);
    assertEquals(first, seen);
    assertEquals(List.of("p0", "p1", "p2"), first.stream().map(SolveOutcome::id).toList());
    for (SolveOutcome o : first) {
      assertTrue(o.correct(), o.toString());
      assertEquals(1.0, o.score());
      assertFalse(o.resumed());
    }
    assertEquals("5", first.get(0).answer());
    assertEquals(2, progress.size(), "two groups: 2 + 1 problems");
    assertEquals(3, progress.get(1).done());
    List<String> lines = Files.readAllLines(trees, StandardCharsets.UTF_8);
    assertEquals(3, lines.size());
    assertEquals("p2", ReasoningTrees.fromJsonLine(lines.get(2)).problem().id());

    // resume: nothing is searched again, the outcomes are read back from the trees
    long calls = policy.calls.get();
    List<SolveOutcome> again =
        SearchRunner.builder(search(policy)).batchProblems(2).build().run(gold, trees);
    assertEquals(calls, policy.calls.get());
    for (int i = 0; i < 3; i++) {
      SolveOutcome a = again.get(i);
      SolveOutcome b = first.get(i);
      assertTrue(a.resumed());
      assertEquals(
          List.of(b.id(), b.answer(), b.correct(), b.score()),
          List.of(a.id(), a.answer(), a.correct(), a.score()));
    }
    assertEquals(3, Files.readAllLines(trees).size());
  }

  @Test
  void aTornLastLineIsDroppedAndItsProblemSearchedAgain() throws Exception {
    List<Problem> gold = problems().subList(0, 2);
    ArithmeticPolicy policy = new ArithmeticPolicy();
    Path trees = dir.resolve("trees.jsonl");
    SearchRunner.builder(search(policy)).batchProblems(1).build().run(gold, trees);
    List<String> lines = Files.readAllLines(trees);
    Files.writeString(trees, lines.get(0) + "\n" + lines.get(1).substring(0, 40));
    List<SolveOutcome> out =
        SearchRunner.builder(search(policy)).batchProblems(1).build().run(gold, trees);
    assertTrue(out.get(0).resumed());
    assertFalse(out.get(1).resumed());
    List<String> after = Files.readAllLines(trees);
    assertEquals(2, after.size());
    assertEquals("p1", ReasoningTrees.fromJsonLine(after.get(1)).problem().id());
  }

  @Test
  void aFailingPolicyLeavesTheFinishedGroupsSavedForTheRerun() throws Exception {
    List<Problem> gold = problems().subList(0, 3);
    Path trees = dir.resolve("trees.jsonl");
    ArithmeticPolicy good = new ArithmeticPolicy();
    io.rstar4j.core.Policy failing =
        batch -> {
          if (batch.stream().anyMatch(r -> r.problem().id().equals("p2"))) {
            throw new IllegalStateException("server went away");
          }
          return good.propose(batch);
        };
    SearchConfig cfg = SearchConfig.bootstrapRound().toBuilder().rollouts(10).candidates(3).build();
    ReasoningSearch broken = ReasoningSearch.builder(failing, verifier).config(cfg).build();
    List<SolveOutcome> seen = new ArrayList<>();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                SearchRunner.builder(broken)
                    .batchProblems(2)
                    .onOutcome(seen::add)
                    .build()
                    .run(gold, trees));
    assertEquals("server went away", e.getMessage());
    assertEquals(List.of("p0", "p1"), seen.stream().map(SolveOutcome::id).toList());
    assertEquals(2, Files.readAllLines(trees).size());
    List<SolveOutcome> rerun =
        SearchRunner.builder(search(new ArithmeticPolicy()))
            .batchProblems(2)
            .build()
            .run(gold, trees);
    assertEquals(List.of(true, true, false), rerun.stream().map(SolveOutcome::resumed).toList());
    assertEquals(3, Files.readAllLines(trees).size());
  }

  @Test
  void aTreeFileOfAnotherProblemSetIsRefused() throws Exception {
    Path trees = dir.resolve("trees.jsonl");
    SearchRunner.builder(search(new ArithmeticPolicy()))
        .build()
        .run(List.of(ArithmeticPolicy.problem("0", 1, 2)), trees);
    RunMismatchException m =
        assertThrows(
            RunMismatchException.class,
            () ->
                SearchRunner.builder(search(new ArithmeticPolicy()))
                    .build()
                    .run(List.of(ArithmeticPolicy.problem("0", 3, 4)), trees));
    assertEquals(List.of("problem_set"), m.fields());
    // extending keeps the saved trees by id: the same id with another question is still refused
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SearchRunner.builder(search(new ArithmeticPolicy()))
                    .rerun(Rerun.EXTEND)
                    .build()
                    .run(List.of(ArithmeticPolicy.problem("0", 3, 4)), trees));
    assertTrue(
        e.getMessage().startsWith(trees + ":1: the saved tree of problem 0"), e.getMessage());
    assertEquals(1, Files.readAllLines(trees).size());
  }

  @Test
  void anotherConfigurationIsRefusedNamingTheFieldsAndRestartKeepsTheOldFileAside()
      throws Exception {
    Path trees = dir.resolve("cfg/trees.jsonl");
    List<Problem> gold = problems().subList(0, 2);
    ArithmeticPolicy policy = new ArithmeticPolicy();
    SearchRunner.builder(search(policy)).fingerprint(Map.of("seed", "1")).build().run(gold, trees);
    assertTrue(Files.readString(SearchRunner.fingerprintFile(trees)).contains("problem_set"));
    long calls = policy.calls.get();
    RunMismatchException m =
        assertThrows(
            RunMismatchException.class,
            () ->
                SearchRunner.builder(search(policy))
                    .fingerprint(Map.of("seed", "2"))
                    .build()
                    .run(gold, trees));
    assertEquals(List.of("seed"), m.fields());
    assertTrue(m.getMessage().contains("seed: was 1, now 2"), m.getMessage());
    ReasoningSearch more =
        ReasoningSearch.builder(policy, verifier)
            .config(search(policy).config().toBuilder().rollouts(3).build())
            .build();
    RunMismatchException m2 =
        assertThrows(
            RunMismatchException.class,
            () ->
                SearchRunner.builder(more)
                    .fingerprint(Map.of("seed", "1"))
                    .build()
                    .run(gold, trees));
    assertEquals(List.of("search"), m2.fields());
    assertEquals(calls, policy.calls.get(), "nothing searched before a refusal");
    List<SolveOutcome> fresh =
        SearchRunner.builder(search(policy))
            .fingerprint(Map.of("seed", "2"))
            .rerun(Rerun.RESTART)
            .build()
            .run(gold, trees);
    assertFalse(fresh.get(0).resumed());
    List<Path> aside;
    try (var s = Files.list(trees.getParent())) {
      aside =
          s.filter(p -> p.getFileName().toString().matches("trees\\.jsonl\\.old-[0-9-]+")).toList();
    }
    assertEquals(1, aside.size());
    assertEquals(2, Files.readAllLines(aside.get(0)).size());
    assertEquals(2, Files.readAllLines(trees).size());
    assertTrue(
        SearchRunner.builder(search(policy))
            .fingerprint(Map.of("seed", "2"))
            .build()
            .run(gold, trees)
            .get(1)
            .resumed());
  }

  @Test
  void aSecondRunOnTheSameTreeFileIsRefusedAndAStaleLockIsTakenOver() throws Exception {
    Path trees = dir.resolve("locked/trees.jsonl");
    List<Problem> gold = problems().subList(0, 1);
    ArithmeticPolicy policy = new ArithmeticPolicy();
    // another thread's run (another process's is in the CLI tests): the lock is per output
    java.util.concurrent.CountDownLatch locked = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    Thread other =
        new Thread(
            () -> {
              try (RunLock held = RunLock.onFile(trees)) {
                locked.countDown();
                done.await();
              } catch (Exception e) {
                throw new RuntimeException(e);
              }
            });
    other.start();
    locked.await();
    try {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> SearchRunner.builder(search(policy)).build().run(gold, trees));
      assertTrue(
          e.getMessage().contains(trees.toString())
              && e.getMessage().contains("is in use")
              && e.getMessage().contains("pid " + ProcessHandle.current().pid()),
          e.getMessage());
    } finally {
      done.countDown();
      other.join();
    }
    assertEquals(0, policy.calls.get());
    // a killed run leaves its lock file (the OS lock died with it): taken over
    Files.writeString(
        trees.resolveSibling("trees.jsonl.lock"), "pid 999999999 on somewhere since then\n");
    assertEquals(1, SearchRunner.builder(search(policy)).build().run(gold, trees).size());
    assertFalse(Files.exists(trees.resolveSibling("trees.jsonl.lock")), "released");
  }

  @Test
  void noGoldMeansNullCorrectAndDuplicatesAreRejected() throws Exception {
    ArithmeticPolicy policy = new ArithmeticPolicy();
    SearchConfig cfg = SearchConfig.testTime().toBuilder().rollouts(2).candidates(2).build();
    ReasoningSearch s =
        ReasoningSearch.builder(policy, verifier)
            .config(cfg)
            .rewardModel(io.rstar4j.core.RewardModel.constant(0.25))
            .build();
    List<SolveOutcome> out =
        SearchRunner.builder(s).build().run(List.of(problems().get(3)), dir.resolve("t.jsonl"));
    assertNull(out.get(0).correct());
    assertTrue(List.of("0", "1", "2").contains(out.get(0).answer()), out.toString());
    assertEquals(0.25, out.get(0).score());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SearchRunner.builder(s)
                .build()
                .run(List.of(problems().get(0), problems().get(0)), dir.resolve("u.jsonl")));
    assertThrows(IllegalArgumentException.class, () -> SearchRunner.builder(s).batchProblems(0));
  }
}
