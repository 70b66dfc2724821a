package io.rstar4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradeCommandTest {

  private record Result(int code, List<String> lines, String err) {}

  private static Result run(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> argv = new java.util.ArrayList<>();
    argv.add("grade");
    argv.addAll(List.of(args));
    int code =
        Rstar.run(
            argv,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String o = out.toString(StandardCharsets.UTF_8);
    List<String> lines =
        o.isEmpty()
            ? List.of()
            : List.of(o.split("\n", -1)).subList(0, o.split("\n", -1).length - 1);
    return new Result(code, lines, err.toString(StandardCharsets.UTF_8));
  }

  private static JsonObject json(String line) {
    return JsonParser.parseString(line).getAsJsonObject();
  }

  @Test
  void oneLinePerInputInOrder() {
    String in =
        String.join(
                "\n",
                "{\"gold\": \"\\\\frac{1}{2}\", \"pred\": \"0.5\"}",
                "{\"gold\": \"3\", \"pred\": \"4\"}",
                "{\"gold\": \"x > 5\", \"pred\": \"x < 5\"}",
                "{\"gold\": 10, \"pred\": \"\\\\boxed{10}\"}",
                "{\"gold\": [\"2\", \"\\\\frac{1}{3}\"], \"pred\": \"\\\\dfrac{1}{3}\"}",
                "{\"gold\": \"(1,2)\", \"pred\": \"[1,2]\"}",
                "{\"gold\": 0.25, \"pred\": 0.25}")
            + "\n";
    Result r = run(in);
    assertEquals(0, r.code(), r.err());
    assertEquals(
        List.of(
            "{\"equal\": true}",
            "{\"equal\": false}",
            "{\"equal\": false}",
            "{\"equal\": true}",
            "{\"equal\": true}",
            "{\"equal\": false}",
            "{\"equal\": true}"),
        r.lines());
  }

  @Test
  void explainAddsHowEachSideWasReadAndTheRuleThatDecided() {
    String in =
        String.join(
                "\n",
                "{\"gold\": \"t \\\\in (0,3]\", \"pred\": \"0 < t \\\\le 3\"}",
                "{\"gold\": [\"2\", \"\\\\frac{1}{3}\"], \"pred\": \"\\\\cfrac{1}{3}\"}",
                "{\"gold\": [\"2\", \"3\"], \"pred\": \"4\"}",
                "not json",
                "{\"gold\": \"12\", \"pred\": \"t = 3 \\\\cdot 4 = 12\"}")
            + "\n";
    Result r = run(in, "--explain");
    assertEquals(0, r.code(), r.err());
    assertEquals(5, r.lines().size());
    assertEquals(
        "{\"equal\": true, \"gold\": {\"kind\": \"assignment\", \"normalized\": \"t = (0, 3]\"},"
            + " \"pred\": {\"kind\": \"interval\", \"normalized\": \"(0, 3]\"},"
            + " \"rule\": \"relation-vs-interval\", \"path\": [\"relation-vs-interval\"]}",
        r.lines().get(0));
    JsonObject list = json(r.lines().get(1));
    assertEquals(
        List.of("equal", "gold", "pred", "rule", "path", "gold_index"), List.copyOf(list.keySet()));
    assertTrue(list.get("equal").getAsBoolean());
    assertEquals(1, list.get("gold_index").getAsInt());
    assertEquals("1/3", list.getAsJsonObject("pred").get("normalized").getAsString());
    JsonObject none = json(r.lines().get(2));
    assertFalse(none.get("equal").getAsBoolean());
    assertEquals(0, none.get("gold_index").getAsInt());
    assertEquals("plain-numbers", none.get("rule").getAsString());
    JsonObject bad = json(r.lines().get(3));
    assertFalse(bad.get("equal").getAsBoolean());
    assertTrue(bad.has("error"));
    JsonObject chain = json(r.lines().get(4));
    assertEquals("t = 12", chain.getAsJsonObject("pred").get("normalized").getAsString());
    assertEquals("labelled-value", chain.get("rule").getAsString());
  }

  @Test
  void explainWithTheReferenceRules() {
    Result r = run("{\"gold\": \"2\", \"pred\": \"200\"}\n", "--explain", "--strict");
    assertEquals(0, r.code(), r.err());
    JsonObject o = json(r.lines().get(0));
    assertTrue(o.get("equal").getAsBoolean());
    assertEquals("reference-numbers", o.get("rule").getAsString());
    assertEquals("200", o.getAsJsonObject("pred").get("normalized").getAsString());
  }

  @Test
  void malformedLinesGiveAnErrorOnTheirLineAndTheRunGoesOn() {
    String in =
        String.join(
            "\n",
            "{\"gold\": \"1\", \"pred\": \"1\"}",
            "not json",
            "",
            "{\"gold\": \"1\"}",
            "{\"pred\": \"1\"}",
            "[1, 2]",
            "{\"gold\": null, \"pred\": \"1\"}",
            "{\"gold\": {\"a\": 1}, \"pred\": \"1\"}",
            "{\"gold\": [], \"pred\": \"1\"}",
            "{\"gold\": \"2\", \"pred\": \"2\"}");
    Result r = run(in);
    assertEquals(0, r.code());
    assertEquals(10, r.lines().size(), r.lines().toString());
    assertEquals("{\"equal\": true}", r.lines().get(0));
    for (int i = 1; i <= 8; i++) {
      JsonObject o = json(r.lines().get(i));
      assertFalse(o.get("equal").getAsBoolean(), r.lines().get(i));
      assertTrue(o.has("error") && !o.get("error").getAsString().isBlank(), r.lines().get(i));
    }
    assertTrue(json(r.lines().get(3)).get("error").getAsString().contains("pred"));
    assertEquals("{\"equal\": true}", r.lines().get(9));
    assertTrue(r.err().contains("8 of 10"), r.err());
  }

  @Test
  void strictFollowsTheReference() {
    String in =
        "{\"gold\": \"2\", \"pred\": \"200\"}\n{\"gold\": \"x > 5\", \"pred\": \"x < 5\"}\n";
    assertEquals(List.of("{\"equal\": false}", "{\"equal\": false}"), run(in).lines());
    assertEquals(List.of("{\"equal\": true}", "{\"equal\": true}"), run(in, "--strict").lines());
  }

  /** The directory holding the local python3's sympy, or null. */
  private static String sympyDir() {
    try {
      Process p =
          new ProcessBuilder(
                  "python3",
                  "-c",
                  "import sympy, os; print(os.path.dirname(os.path.dirname(sympy.__file__)))")
              .start();
      if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (Exception e) {
      return null;
    }
  }

  @Test
  void pythonPathEnablesSympyForWhatJavaCannotDecide() {
    String dir = sympyDir();
    org.junit.jupiter.api.Assumptions.assumeTrue(dir != null, "python3 with sympy not available");
    String in =
        "{\"gold\": \"\\\\frac{11}{6}\", \"pred\": \"harmonic(3)\"}\n"
            + "{\"gold\": \"\\\\frac{13}{6}\", \"pred\": \"harmonic(3)\"}\n"
            + "{\"gold\": \"2\", \"pred\": \"2.0\"}\n";
    assertEquals(
        List.of("{\"equal\": false}", "{\"equal\": false}", "{\"equal\": true}"), run(in).lines());
    Result r = run(in, "--python-path", dir);
    assertEquals(0, r.code(), r.err());
    assertEquals(
        List.of("{\"equal\": true}", "{\"equal\": false}", "{\"equal\": true}"), r.lines());
  }

  @Test
  void graalPyBackendDecidesInTheSandbox() {
    // the same pairs as above, with Debian's pure-Python sympy imported into the in-process
    // GraalPy sandbox (slow to warm: tens of seconds); output lines in order
    java.nio.file.Path dist = java.nio.file.Path.of("/usr/lib/python3/dist-packages");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.isDirectory(dist.resolve("sympy"))
            && java.nio.file.Files.isDirectory(dist.resolve("mpmath")),
        "python3-sympy and python3-mpmath are not installed");
    String dir = dist.toString();
    String in =
        "{\"gold\": \"\\\\frac{11}{6}\", \"pred\": \"harmonic(3)\"}\n"
            + "{\"gold\": \"2\", \"pred\": \"2.0\"}\n"
            + "not json\n"
            + "{\"gold\": \"\\\\frac{13}{6}\", \"pred\": \"harmonic(3)\"}\n";
    Result r =
        run(in, "--python-path", dir, "--sympy-backend", "graalpy", "--sympy-timeout", "60000");
    assertEquals(0, r.code(), r.err());
    assertEquals(4, r.lines().size(), r.lines().toString());
    assertEquals("{\"equal\": true}", r.lines().get(0));
    assertEquals("{\"equal\": true}", r.lines().get(1));
    assertFalse(json(r.lines().get(2)).get("equal").getAsBoolean());
    assertTrue(json(r.lines().get(2)).has("error"));
    assertEquals("{\"equal\": false}", r.lines().get(3));
    assertTrue(r.err().contains("GraalPy"), r.err());
  }

  @Test
  void sympyBackendIsCheckedEagerly() {
    Result bad =
        run("", "--python-path", System.getProperty("java.io.tmpdir"), "--sympy-backend", "jython");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("cpython or graalpy"), bad.err());
    Result alone = run("", "--sympy-backend", "graalpy");
    assertEquals(2, alone.code());
    assertTrue(alone.err().contains("--python-path"), alone.err());
    Result cpython =
        run(
            "{\"gold\": \"1\", \"pred\": \"1\"}\n",
            "--python-path",
            System.getProperty("java.io.tmpdir"),
            "--sympy-backend",
            "cpython");
    assertEquals(0, cpython.code(), cpython.err());
    assertEquals(List.of("{\"equal\": true}"), cpython.lines());
  }

  @Test
  void theSympyWorkerStopsRunawayProgramsAndRecovers() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(sympyDir() != null, "python3 not available");
    try (GradeCommand.PythonWorker w =
        new GradeCommand.PythonWorker(
            java.nio.file.Path.of(System.getProperty("java.io.tmpdir")),
            java.time.Duration.ofMillis(1500))) {
      assertTrue(w.execute("while True: pass") instanceof io.rstar4j.core.ExecutionOutcome.Timeout);
      io.rstar4j.core.ExecutionOutcome ok = w.execute("print(1 + 1)");
      assertEquals("2", ok.text());
      assertTrue(w.execute("1/0").text().startsWith("ZeroDivisionError"));
      assertEquals("3", w.execute("x = 3\nprint(x)").text());
    }
  }

  @Test
  void pythonPathMustBeADirectory() {
    Result r = run("", "--python-path", "/nonexistent/dir/for/rstar");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("not a directory"), r.err());
  }

  @Test
  void emptyInputGivesNoOutput() {
    Result r = run("");
    assertEquals(0, r.code());
    assertEquals(List.of(), r.lines());
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertEquals(2, run("", "--bogus").code());
    assertEquals(2, run("", "--tolerance", "abc").code());
    assertEquals(2, run("", "--tolerance", "-1").code());
    Result help = run("", "--help");
    assertEquals(0, help.code());
    assertTrue(help.lines().get(0).startsWith("usage: rstar grade"));
  }
}
