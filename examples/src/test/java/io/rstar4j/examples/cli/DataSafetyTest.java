package io.rstar4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data-safety reproductions, run as a new user runs them. */
class DataSafetyTest {
  @TempDir Path dir;
  @TempDir static Path shared;
  static ArithmeticServer server;
  static Path problems;

  @BeforeAll
  static void start() throws Exception {
    server = new ArithmeticServer();
    problems = shared.resolve("arith.json");
    Files.writeString(
        problems,
        "[\n"
            + "{\"index\": 10, \"question\": \"What is 2 + 3?\", \"answer\": \"5\"},\n"
            + "{\"index\": 11, \"question\": \"What is 4 + 5?\", \"answer\": \"9\"},\n"
            + "{\"index\": 12, \"question\": \"What is 10 + 7?\", \"answer\": \"17\"}\n]\n");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static SearchCommandsTest.Run run(String... args) {
    return SearchCommandsTest.run(args);
  }

  String[] solve(Path trees, String... more) {
    return SearchCommandsTest.with(
        new String[] {
          "solve",
          "--problems",
          problems.toString(),
          "--server",
          server.url(),
          "--server-model",
          "arith",
          "--verifier",
          "cpython",
          "--rollouts",
          "6",
          "--n",
          "2",
          "--trees",
          trees.toString()
        },
        more);
  }

  Path trees() throws IOException {
    Path t = dir.resolve("t.jsonl");
    Files.writeString(t, GoldenFiles.trees());
    return t;
  }

  @Test
  void extractRefusesToOverwriteItsInputOrOneOutputWithAnother() throws Exception {
    Path t = trees();
    String before = Files.readString(t);
    SearchCommandsTest.Run r =
        run(
            "extract",
            "--trees",
            t.toString(),
            "--sft",
            t.toString(),
            "--pairs",
            dir.resolve("p.jsonl").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(
        r.err().startsWith("rstar extract: --sft " + t + " is also the input --trees"), r.err());
    assertEquals(before, Files.readString(t), "the input is untouched");
    assertFalse(Files.exists(dir.resolve("p.jsonl")), "nothing written");

    // the same file by two names (a not-yet-existing one, through ..)
    Path x = dir.resolve("x.jsonl");
    Path alias = dir.resolve("sub/../x.jsonl");
    Files.createDirectories(dir.resolve("sub"));
    SearchCommandsTest.Run same =
        run("extract", "--trees", t.toString(), "--sft", x.toString(), "--pairs", alias.toString());
    assertEquals(2, same.code(), same.err());
    assertTrue(
        same.err().startsWith("rstar extract: --sft and --pairs are the same file"), same.err());
    assertFalse(Files.exists(x));

    // an input reached through a symbolic link
    Path link = dir.resolve("link.jsonl");
    Files.createSymbolicLink(link, t);
    SearchCommandsTest.Run linked =
        run("extract", "--trees", link.toString(), "--pairs", t.toString());
    assertEquals(2, linked.code(), linked.err());
    assertEquals(before, Files.readString(t));
  }

  @Test
  void unwritableOutputsAreRefusedBeforeAnyWorkNamingThePathAndWhy() throws Exception {
    Path t = trees();
    SearchCommandsTest.Run proc = run("extract", "--trees", t.toString(), "--sft", "/proc/x.sft");
    assertEquals(1, proc.code(), proc.err());
    assertTrue(
        proc.err().startsWith("rstar extract: --sft /proc/x.sft: cannot create files in /proc"),
        proc.err());
    assertTrue(proc.err().contains("choose a writable directory"), proc.err());
    assertEquals(1, proc.err().strip().lines().count(), proc.err());

    SearchCommandsTest.Run isDir =
        run("extract", "--trees", t.toString(), "--pairs", dir.toString());
    assertEquals(1, isDir.code());
    assertEquals(
        "rstar extract: --pairs " + dir + ": is a directory; give the path of a file to write",
        isDir.err().strip());

    // solve: refused before the sandbox or the policy is started
    long requests = server.requests.get();
    SearchCommandsTest.Run solve = run(solve(dir));
    assertEquals(1, solve.code());
    assertTrue(
        solve.err().startsWith("rstar solve: --trees " + dir + ": is a directory"), solve.err());
    SearchCommandsTest.Run evolve =
        run(
            "evolve",
            "--problems",
            problems.toString(),
            "--server",
            server.url(),
            "--server-model",
            "arith",
            "--rounds",
            "1",
            "--out",
            t.toString());
    assertEquals(1, evolve.code());
    assertTrue(
        evolve.err().startsWith("rstar evolve: --out " + t + ": is a file, not a directory"),
        evolve.err());
    assertEquals(requests, server.requests.get());
  }

  @Test
  void aRerunWithOtherSettingsIsRefusedNamingThemThenRestartedOrExtended() throws Exception {
    Path trees = dir.resolve("solve/trees.jsonl");
    SearchCommandsTest.Run first = run(solve(trees));
    assertEquals(0, first.code(), first.err());
    long requests = server.requests.get();

    SearchCommandsTest.Run other = run(solve(trees, "--seed", "7"));
    assertEquals(1, other.code(), other.err());
    assertTrue(other.err().contains("seed: was none, now 7"), other.err());
    assertTrue(other.err().contains("--restart"), other.err());
    assertEquals("", other.out(), "no stale answers printed");
    SearchCommandsTest.Run rollouts = run(SearchCommandsTest.with(solve(trees), "--rollouts", "8"));
    assertEquals(1, rollouts.code(), rollouts.err());
    assertTrue(rollouts.err().contains("search: was SearchConfig["), rollouts.err());
    assertEquals(requests, server.requests.get(), "nothing searched");

    SearchCommandsTest.Run both = run(solve(trees, "--restart", "--extend"));
    assertEquals(2, both.code());
    assertTrue(
        both.err().startsWith("rstar solve: --restart and --extend are mutually exclusive"),
        both.err());

    SearchCommandsTest.Run restarted = run(solve(trees, "--seed", "7", "--restart"));
    assertEquals(0, restarted.code(), restarted.err());
    assertEquals(3, restarted.lines().size());
    try (Stream<Path> s = Files.list(trees.getParent())) {
      assertEquals(
          1,
          s.filter(p -> p.getFileName().toString().matches("trees\\.jsonl\\.old-[0-9-]+")).count());
    }

    // a smaller problem set: refused, then --extend answers only the requested problems
    SearchCommandsTest.Run smaller = run(solve(trees, "--seed", "7", "--limit", "2"));
    assertEquals(1, smaller.code());
    assertTrue(smaller.err().contains("problem_set: was 3 problems"), smaller.err());
    assertTrue(smaller.err().contains("--extend"), smaller.err());
    SearchCommandsTest.Run extended = run(solve(trees, "--seed", "7", "--limit", "2", "--extend"));
    assertEquals(0, extended.code(), extended.err());
    assertEquals(2, extended.lines().size());
  }

  @Test
  void aSecondRunOnTheSameOutputIsRefused() throws Exception {
    Path trees = dir.resolve("busy/trees.jsonl");
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                String.join(java.io.File.pathSeparator, LongCommandLineTest.classPath()),
                LockHolder.class.getName(),
                trees.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      String line =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(
                      holder.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))
              .readLine();
      assertEquals("locked", line);
      SearchCommandsTest.Run r = run(solve(trees));
      assertEquals(1, r.code(), r.err());
      assertTrue(
          r.err().startsWith("rstar solve: " + trees.toAbsolutePath() + " is in use"), r.err());
      assertTrue(r.err().contains("(pid " + holder.pid() + " on "), r.err());
      assertTrue(r.err().contains("wait for that run to finish"), r.err());
      assertFalse(r.err().contains("problems,"), "refused before the search starts: " + r.err());
    } finally {
      holder.getOutputStream().close();
      holder.waitFor();
    }
    assertFalse(Files.exists(trees));
    // a lock file left by a killed run is taken over
    Process killed =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                String.join(java.io.File.pathSeparator, LongCommandLineTest.classPath()),
                LockHolder.class.getName(),
                trees.toString())
            .start();
    assertEquals(
        "locked",
        new java.io.BufferedReader(
                new java.io.InputStreamReader(
                    killed.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))
            .readLine());
    killed.destroyForcibly().waitFor();
    assertTrue(Files.exists(trees.resolveSibling("trees.jsonl.lock")), "the killed run's lock");
    SearchCommandsTest.Run after = run(solve(trees));
    assertEquals(0, after.code(), after.err());
    assertEquals(3, Files.readAllLines(trees).size(), "every id once");
    assertEquals(List.of(), leftovers(trees.getParent()));
  }

  @Test
  void kSeededSearchesAreKDifferentTreesAndTheSameKOnARerun() throws Exception {
    Path model = shared.resolve("tiny");
    if (!Files.exists(model)) {
      assertEquals(0, run("make-tiny-model", "--out", model.toString()).code());
    }
    Path one = shared.resolve("one.json");
    Files.writeString(one, "[{\"index\": 1, \"question\": \"What is 2 + 3?\", \"answer\": \"5\"}]");
    List<List<String>> runs = new java.util.ArrayList<>();
    for (String name : List.of("a.jsonl", "b.jsonl")) {
      Path trees = dir.resolve(name);
      SearchCommandsTest.Run r =
          run(
              "eval",
              "--problems",
              one.toString(),
              "--model",
              model.toString(),
              "--verifier",
              "cpython",
              "--rollouts",
              "2",
              "--n",
              "2",
              "--max-tokens",
              "6",
              "--temperature",
              "1",
              "--seed",
              "5",
              "--searches",
              "3",
              "--select",
              "majority",
              "--trees",
              trees.toString());
      assertEquals(0, r.code(), r.err());
      List<String> lines = new java.util.ArrayList<>();
      for (String l : Files.readAllLines(trees)) {
        // the tree without its problem (whose id names the search)
        com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(l).getAsJsonObject();
        o.remove("problem");
        o.remove("id");
        lines.add(o.toString());
      }
      runs.add(lines);
    }
    assertEquals(3, runs.get(0).size());
    assertEquals(3, new java.util.HashSet<>(runs.get(0)).size(), "three different trees");
    assertEquals(runs.get(0), runs.get(1), "the same three on a rerun");
  }

  @Test
  void aServedPolicyGetsOneSeedPerSearch() throws Exception {
    Path one = shared.resolve("one-served.json");
    Files.writeString(one, "[{\"index\": 1, \"question\": \"What is 2 + 3?\", \"answer\": \"5\"}]");
    server.seeds.clear();
    SearchCommandsTest.Run r =
        run(
            "eval",
            "--problems",
            one.toString(),
            "--server",
            server.url(),
            "--server-model",
            "arith",
            "--verifier",
            "cpython",
            "--rollouts",
            "1",
            "--n",
            "1",
            "--seed",
            "5",
            "--searches",
            "3");
    assertEquals(0, r.code(), r.err());
    java.util.Set<String> seen = new java.util.HashSet<>(server.seeds);
    assertTrue(seen.size() >= 3, "three searches, three seeds: " + server.seeds);
    assertTrue(seen.contains("5"), "the first search keeps --seed: " + server.seeds);
  }

  /** Temporary and lock files left next to the outputs. */
  static List<String> leftovers(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".tmp") || n.endsWith(".lock"))
          .toList();
    }
  }
}
