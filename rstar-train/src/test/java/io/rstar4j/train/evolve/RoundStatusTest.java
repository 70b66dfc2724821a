package io.rstar4j.train.evolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import com.google.gson.JsonParser;
import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Policy;
import io.rstar4j.core.Problem;
import io.rstar4j.core.Verifier;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.mcts.SearchMode;
import io.rstar4j.train.evolve.RoundStatus.PpmResult;
import io.rstar4j.train.evolve.RoundStatus.PpmUsed;
import io.rstar4j.train.evolve.RoundStatus.Stage;
import io.rstar4j.train.ppm.BackboneSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The typed round status, its one codec, and the round.json files earlier versions wrote. */
class RoundStatusTest {
  @TempDir Path dir;

  static String fixture(String name) throws IOException {
    try (InputStream in =
        RoundStatusTest.class.getResourceAsStream("/evolve/finished-run/" + name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** A status taken through the transitions up to a random stage, with random results. */
  static RoundStatus random(long seed, int stages) {
    Random rnd = new Random(seed);
    SearchConfig cfg =
        (rnd.nextBoolean() ? SearchConfig.ppmAugmentedRound() : SearchConfig.bootstrapRound())
            .toBuilder().rollouts(1 + rnd.nextInt(20)).build();
    RoundStatus s = RoundStatus.started(1 + rnd.nextInt(5), "3:" + Long.toHexString(seed), cfg);
    Optional<PpmUsed> used =
        cfg.mode().usesRewardModel()
            ? Optional.of(
                rnd.nextBoolean()
                    ? new PpmUsed.Untrained()
                    : new PpmUsed.Trained("round-" + rnd.nextInt(3) + "/ppm"))
            : Optional.empty();
    List<String> unsolved = new ArrayList<>();
    for (int i = rnd.nextInt(4); i > 0; i--) {
      unsolved.add("p\"" + i);
    }
    if (stages > 0) {
      s = s.searched(new RoundStatus.Searched(7, 7 - unsolved.size(), unsolved), used);
    }
    if (stages > 1) {
      s =
          s.hardSearched(
              rnd.nextBoolean()
                  ? Optional.of(new RoundStatus.HardSearch(unsolved.size(), 64, rnd.nextInt(2)))
                  : Optional.empty(),
              used);
    }
    if (stages > 2) {
      s = s.extracted(new RoundStatus.Extracted(7, rnd.nextInt(14), rnd.nextInt(1 << 20)));
    }
    if (stages > 3) {
      s =
          s.ppmTrained(
              rnd.nextBoolean() ? new PpmResult.NotTrained() : new PpmResult.Trained("ppm"));
    }
    if (stages > 4) {
      s = s.done(rnd.nextBoolean() ? "" : "checkpoint at /x/\u00e9");
    }
    return s;
  }

  @Test
  void statusesRoundTripThroughTheCodec() {
    qt().withExamples(200)
        .forAll(longs().all(), integers().between(0, 5))
        .checkAssert(
            (seed, stages) -> {
              RoundStatus s = random(seed, stages);
              assertEquals(Stage.values()[stages], s.stage());
              try {
                Path d = Files.createTempDirectory(dir, "r");
                RoundStatusFile.write(d, s);
                assertEquals(Optional.of(s), RoundStatusFile.read(d));
              } catch (IOException e) {
                throw new AssertionError(e);
              }
            });
  }

  @Test
  void filesOfEarlierVersionsReadAndWriteBackTheSameKeysAndValues() throws IOException {
    for (String name :
        List.of(
            "round-1/round.json",
            "round-2/round.json",
            "round-3/round.json",
            "round-3-with-hard-search.json")) {
      String old = fixture(name);
      Path d = Files.createTempDirectory(dir, "old");
      Files.writeString(d.resolve(RoundStatusFile.NAME), old);
      RoundStatus s = RoundStatusFile.read(d).orElseThrow();
      assertEquals(Stage.DONE, s.stage());
      assertEquals(
          JsonParser.parseString(old), RoundStatusFile.toJson(s), name + ": same keys and values");
    }
    Path d = Files.createTempDirectory(dir, "hard");
    Files.writeString(d.resolve(RoundStatusFile.NAME), fixture("round-3-with-hard-search.json"));
    RoundStatus s = RoundStatusFile.read(d).orElseThrow();
    assertEquals(Optional.of(new RoundStatus.HardSearch(1, 10, 1)), s.hard());
    assertEquals(List.of("b"), s.searched().orElseThrow().unsolved());
    assertEquals(Optional.of(new PpmUsed.Trained("round-2/ppm")), s.ppmUsed());
    assertEquals(Optional.of(new PpmResult.NotTrained()), s.ppm());
  }

  @Test
  void transitionsRunInOrderOnly() {
    RoundStatus s = RoundStatus.started(2, "1:ab", SearchConfig.bootstrapRound());
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> s.extracted(new RoundStatus.Extracted(1, 1, 1)));
    assertEquals("round 2 is at stage started, not hard", e.getMessage());
    assertThrows(IllegalStateException.class, () -> s.done("x"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new RoundStatus(
                1,
                Stage.DONE,
                "",
                SearchMode.TERMINAL_GUIDED,
                RoundStatus.Settings.of(SearchConfig.bootstrapRound()),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of("x")));
    RoundStatus done =
        s.searched(new RoundStatus.Searched(1, 1, List.of()), Optional.empty())
            .hardSearched(Optional.empty(), Optional.empty())
            .extracted(new RoundStatus.Extracted(1, 1, 1))
            .ppmTrained(new PpmResult.NotTrained())
            .done("ok");
    assertTrue(done.isDone());
    assertEquals(Stage.STARTED, done.reopened().stage());
    assertEquals(Optional.empty(), done.reopened().searched());
  }

  @Test
  void malformedFilesAreClearErrorsNamingTheFile() throws IOException {
    Files.writeString(dir.resolve(RoundStatusFile.NAME), "{\"stage\": \"later\"}");
    IOException e = assertThrows(IOException.class, () -> RoundStatusFile.read(dir));
    assertTrue(e.getMessage().contains("round.json") && e.getMessage().contains("stage"));
    Files.writeString(dir.resolve(RoundStatusFile.NAME), "{\"round\": 1, \"stage\": \"done\"}");
    e = assertThrows(IOException.class, () -> RoundStatusFile.read(dir));
    assertTrue(e.getMessage().contains("mode"), e.getMessage());
    Files.writeString(dir.resolve(RoundStatusFile.NAME), "[1");
    assertThrows(IOException.class, () -> RoundStatusFile.read(dir));
    assertEquals(Optional.empty(), RoundStatusFile.read(dir.resolve("none")));
  }

  /** Fails the test when the loop calls it: a finished round needs no model. */
  static final Policy NO_POLICY =
      batch -> {
        throw new AssertionError("a finished round must not search");
      };

  static final Verifier NO_VERIFIER =
      new Verifier() {
        @Override
        public ExecutionOutcome execute(String program) {
          throw new AssertionError("a finished round must not run code");
        }
      };

  @Test
  void aRunFinishedByAnEarlierVersionResumesAsFinished() throws Exception {
    for (boolean hard : new boolean[] {false, true}) {
      Path out = Files.createTempDirectory(dir, "evo");
      for (int r = 1; r <= 3; r++) {
        Path rd = SelfEvolution.roundDir(out, r);
        Files.createDirectories(rd);
        String name =
            hard && r == 3 ? "round-3-with-hard-search.json" : "round-" + r + "/round.json";
        Files.writeString(rd.resolve(SelfEvolution.STATUS_FILE), fixture(name));
      }
      List<String> before = new ArrayList<>();
      for (int r = 1; r <= 3; r++) {
        before.add(Files.readString(SelfEvolution.roundDir(out, r).resolve("round.json")));
      }
      List<String> trained = new ArrayList<>();
      List<RoundSummary> rounds =
          SelfEvolution.builder()
              .policy(NO_POLICY)
              .verifier(NO_VERIFIER)
              .ppmBackbone(dir, BackboneSettings.defaults())
              .policyTrainer(
                  (round, sft, roundDir) -> {
                    trained.add("round " + round);
                    return "again";
                  })
              .build()
              .run(
                  List.of(
                      ArithmeticPolicy.problem("a", 2, 3),
                      ArithmeticPolicy.problem("b", 4, 5),
                      ArithmeticPolicy.problem("c", 6, 7)),
                  3,
                  out);
      assertEquals(List.of(), trained, "no stage runs again");
      assertEquals(
          List.of(SearchMode.TERMINAL_GUIDED, SearchMode.TERMINAL_GUIDED, SearchMode.PPM_AUGMENTED),
          rounds.stream().map(RoundSummary::mode).toList());
      for (RoundSummary s : rounds) {
        assertTrue(s.resumed());
        assertEquals(3, s.problems());
        assertEquals(3, s.solved());
        assertEquals(3, s.sftRecords());
        assertEquals(s.round() == 3 ? 0 : 6, s.pairs());
        assertEquals("trainer saw round " + s.round(), s.policyUpdate());
        if (s.round() == 3) {
          assertNull(s.ppm());
        } else {
          assertEquals(SelfEvolution.roundDir(out, s.round()).resolve("ppm"), s.ppm());
        }
      }
      for (int r = 1; r <= 3; r++) {
        assertEquals(
            before.get(r - 1),
            Files.readString(SelfEvolution.roundDir(out, r).resolve("round.json")),
            "a finished round's status is left as it is");
      }
    }
  }

  @Test
  void anOldFilesProblemSetDigestMatchesTheSameProblems() throws Exception {
    Path out = Files.createTempDirectory(dir, "evo");
    Path rd = SelfEvolution.roundDir(out, 1);
    Files.createDirectories(rd);
    Files.writeString(rd.resolve("round.json"), fixture("round-1/round.json"));
    RoundStatus s = RoundStatusFile.read(rd).orElseThrow();
    assertEquals("3:13e228567e8249fc", s.problemSet());
    // the same three ids give the same digest: the file's round is the one these problems ran
    List<Problem> same =
        List.of(
            ArithmeticPolicy.problem("a", 2, 3),
            ArithmeticPolicy.problem("b", 4, 5),
            ArithmeticPolicy.problem("c", 6, 7));
    assertTrue(
        SelfEvolution.builder()
            .policy(NO_POLICY)
            .verifier(NO_VERIFIER)
            .build()
            .run(same, 1, out)
            .get(0)
            .resumed());
  }
}
