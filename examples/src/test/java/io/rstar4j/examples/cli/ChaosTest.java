package io.rstar4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults, tested: {@code rstar evolve} in a child JVM killed with SIGKILL at random moments, then
 * rerun, ends with the files an uninterrupted run writes, byte for byte; a policy server that dies
 * mid-round loses nothing.
 */
class ChaosTest {
  @TempDir static Path dir;
  static ArithmeticServer server;
  static Path problems;

  @BeforeAll
  static void start() throws Exception {
    server = new ArithmeticServer(true);
    problems = dir.resolve("arith.json");
    StringBuilder b = new StringBuilder("[\n");
    for (int i = 0; i < 6; i++) {
      b.append(i == 0 ? "" : ",\n")
          .append("{\"index\": ")
          .append(i)
          .append(", \"question\": \"What is ")
          .append(i + 2)
          .append(" + ")
          .append(3 * i + 1)
          .append("?\", \"answer\": \"")
          .append(4 * i + 3)
          .append("\"}");
    }
    Files.writeString(problems, b.append("\n]\n").toString());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static List<String> evolve(Path out, String url) {
    return List.of(
        "evolve",
        "--problems",
        problems.toString(),
        "--server",
        url,
        "--server-model",
        "arith",
        "--verifier",
        "cpython",
        "--rollouts",
        "4",
        "--n",
        "3",
        "--batch-problems",
        "1",
        "--rounds",
        "2",
        "--out",
        out.toString());
  }

  static Process startChild(List<String> args, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-cp");
    cmd.add(String.join(File.pathSeparator, LongCommandLineTest.classPath()));
    cmd.add(Rstar.class.getName());
    cmd.addAll(args);
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
  }

  /** Every file under a run directory, by relative path (lock and temporary files excluded). */
  static Map<String, String> files(Path root) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        m.put(root.relativize(p).toString(), Files.readString(p));
      }
    }
    return m;
  }

  @Test
  void evolveKilledAtRandomMomentsEndsWithTheUninterruptedRunsFiles() throws Exception {
    Path clean = dir.resolve("clean");
    long t0 = System.nanoTime();
    Process p = startChild(evolve(clean, server.url()), dir.resolve("clean.log"));
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("clean.log")));
    long cleanMillis = (System.nanoTime() - t0) / 1_000_000;
    Map<String, String> expected = files(clean);
    assertTrue(expected.containsKey("round-2/pairs.jsonl"), expected.keySet().toString());

    Path killed = dir.resolve("killed");
    SplittableRandom rnd = new SplittableRandom(20261201);
    int kills = 0;
    List<Long> at = new ArrayList<>();
    for (int attempt = 0; attempt < 30 && kills < 10; attempt++) {
      long delay = 300 + rnd.nextLong(Math.max(400, cleanMillis));
      Process c = startChild(evolve(killed, server.url()), dir.resolve("k" + attempt + ".log"));
      if (c.waitFor(delay, TimeUnit.MILLISECONDS)) {
        assertEquals(0, c.exitValue(), Files.readString(dir.resolve("k" + attempt + ".log")));
        // it finished before the kill: start over to kill another run
        at.add(-delay);
        if (files(killed).equals(expected)) {
          Files.walk(killed)
              .sorted(java.util.Comparator.reverseOrder())
              .forEach(f -> f.toFile().delete());
        }
        continue;
      }
      c.destroyForcibly(); // SIGKILL
      c.waitFor();
      kills++;
      at.add(delay);
    }
    assertTrue(kills >= 10, "killed " + kills + " times at " + at);
    Process last = startChild(evolve(killed, server.url()), dir.resolve("last.log"));
    assertTrue(last.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, last.exitValue(), Files.readString(dir.resolve("last.log")));
    Map<String, String> got = files(killed);
    assertEquals(expected.keySet(), got.keySet(), "kills at " + at + " ms");
    for (String f : expected.keySet()) {
      assertEquals(expected.get(f), got.get(f), f + " after kills at " + at + " ms");
    }
  }

  @Test
  void aPolicyServerThatDiesMidRoundLosesNothingAndOnlyTheGroupInFlightIsRedone() throws Exception {
    ArithmeticServer flaky = new ArithmeticServer(true);
    try {
      Path clean = dir.resolve("server-clean");
      SearchCommandsTest.Run c =
          SearchCommandsTest.run(evolve(clean, flaky.url()).toArray(new String[0]));
      assertEquals(0, c.code(), c.err());
      long perRun = flaky.requests.get();

      Path out = dir.resolve("server-dies");
      flaky.requests.set(0);
      flaky.failAfter = perRun / 4; // dies in round 1's search
      SearchCommandsTest.Run died =
          SearchCommandsTest.run(evolve(out, flaky.url()).toArray(new String[0]));
      assertEquals(1, died.code(), died.err());
      assertTrue(died.err().contains("went away"), died.err());
      Path trees = out.resolve("round-1/trees.jsonl");
      List<String> saved = Files.readAllLines(trees);
      assertTrue(saved.size() >= 1 && saved.size() < 6, "groups saved: " + saved.size());

      // the server is back: the groups saved are kept as they were; only the rest is searched
      flaky.failAfter = Long.MAX_VALUE;
      flaky.requests.set(0);
      SearchCommandsTest.Run resumed =
          SearchCommandsTest.run(evolve(out, flaky.url()).toArray(new String[0]));
      assertEquals(0, resumed.code(), resumed.err());
      assertEquals(saved, Files.readAllLines(trees).subList(0, saved.size()));
      assertTrue(flaky.requests.get() < perRun, flaky.requests.get() + " of " + perRun);
      assertEquals(files(clean), files(out));
    } finally {
      flaky.close();
    }
  }
}
