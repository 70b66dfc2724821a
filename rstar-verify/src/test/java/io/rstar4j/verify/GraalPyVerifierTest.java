package io.rstar4j.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Step;
import io.rstar4j.core.StepFormat;
import io.rstar4j.core.Trajectory;
import io.rstar4j.core.Verifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reference output semantics on the GraalPy verifier (one shared verifier for the class). */
class GraalPyVerifierTest {
  static GraalPyVerifier verifier;

  @BeforeAll
  static void start() {
    verifier = GraalPyVerifier.builder().poolSize(2).timeout(Duration.ofSeconds(2)).build();
    assertTrue(verifier.awaitReady(Duration.ofMinutes(2)), "a context warms");
  }

  @AfterAll
  static void stop() {
    verifier.close();
  }

  static String output(String program) {
    ExecutionOutcome o = verifier.execute(program);
    assertInstanceOf(ExecutionOutcome.Output.class, o, () -> program + " -> " + o);
    return o.text();
  }

  static String error(String program) {
    ExecutionOutcome o = verifier.execute(program);
    assertInstanceOf(ExecutionOutcome.Error.class, o, () -> program + " -> " + o);
    return o.text();
  }

  @Test
  void capturedStdoutIsTheOutputStripped() {
    assertEquals("858", output("v1 = 33 * 26\nprint(v1)\n"));
    assertEquals("a\nb", output("print('a')\nprint('b')\n\n"));
    assertEquals("1 2 3", output("print(1, 2, 3)"));
  }

  @Test
  void trailingExpressionValueWhenNothingIsPrinted() {
    assertEquals("7", output("x = 3\nx + 4"));
    assertEquals("[1, 2]", output("# comment\n[1, 2]\n# trailing comment\n"));
    assertEquals("", output("x = 5"));
    assertEquals("", output("None"));
    assertEquals("", output("# only a comment\n"));
    assertEquals("hi", output("'hi'"));
    // trailing expressions that look like statements line by line
    assertEquals("6", output("def f(x=1):\n    return x\nf(\nx = 6)"));
    assertEquals("2", output("x = 1; x + 1"));
    assertEquals("(1, 2)", output("a = 1\n(a,\n 2)"));
    assertEquals("", output("for i in range(3):\n    i * 2\n# done"));
  }

  @Test
  void stdoutWinsOverTrailingExpression() {
    assertEquals("1", output("print(1)\n2"));
  }

  @Test
  void floatsRoundedToFourDecimalsWhenShorter() {
    assertEquals("0.3333", output("print(1/3)"));
    assertEquals("0.3333", output("1/3"));
    assertEquals("84000.0", output("print(84000.0)"));
    assertEquals("0.5", output("print(0.5)"));
    assertEquals("2.0", output("print(1.99999)"));
    assertEquals("0.0", output("print(0.00001)")); // the reference rule, literally
    assertEquals("1e+20", output("print(1e20)"));
    assertEquals("0.3333333 apples", output("print('0.3333333 apples')"));
    assertEquals("12345678901234567890", output("print(12345678901234567890)"));
  }

  @Test
  void longOutputKeepsFirstAndLast512() {
    String text = output("print('a' * 600 + 'b' * 600)");
    assertEquals(512 + 3 + 512, text.length());
    assertEquals("a".repeat(512) + "..." + "b".repeat(512), text);
    assertEquals(1024, output("print('c' * 1024)").length());
  }

  @Test
  void errorsAreTypeNameColonMessage() {
    assertEquals("ZeroDivisionError: division by zero", error("x = 1\nprint(x / 0)"));
    assertEquals("NameError: name 'undefined_var' is not defined", error("undefined_var + 1"));
    assertEquals("KeyError: 'k'", error("{}['k']"));
    assertEquals("SyntaxError: invalid syntax", error("x = = 1"));
    assertEquals("RuntimeError", error("raise RuntimeError()"));
    assertEquals("ValueError: bad", error("print('partial')\nraise ValueError('bad')"));
    assertTrue(error("import no_such_module_xyz").startsWith("ModuleNotFoundError: "));
  }

  @Test
  void userDefinedExceptionsKeepTheirName() {
    assertEquals("MyError: boom", error("class MyError(Exception): pass\nraise MyError('boom')"));
  }

  @Test
  void sysExitIsAnError() {
    assertEquals("SystemExit: 4", error("import sys\nsys.exit(4)"));
    assertEquals("SystemExit: None", error("exit()")); // as CPython's site exit()
    assertEquals("ok", output("print('ok')"));
  }

  @Test
  void eachRunStartsFromAFreshNamespace() {
    assertEquals("", output("leaked_name = 41"));
    for (int i = 0; i < 4; i++) { // every pooled context
      assertEquals("NameError: name 'leaked_name' is not defined", error("leaked_name + 1"));
    }
    assertEquals("", output("def helper():\n    return 1"));
    assertEquals("NameError: name 'helper' is not defined", error("helper()"));
  }

  @Test
  void importedModulesStayUsable() {
    assertEquals("3.1416", output("import math\nprint(math.pi)"));
    assertEquals("1/3", output("from fractions import Fraction\nprint(Fraction(1, 3))"));
    assertEquals("120", output("import math\nmath.factorial(5)"));
  }

  @Test
  void theProgramOfAStepIsAssembledFromItsBlock() {
    Trajectory before =
        new Trajectory(
            List.of(
                StepFormat.parse("<code>\n# Step 1\na = 6\n<end_of_step>"),
                StepFormat.parse("\n# Step 2\nb = a * 7\n<end_of_step>")));
    Step last = StepFormat.parse("\n# Now print the final answer\nprint(b)\n<end_of_code>");
    ExecutionOutcome o = verifier.executeStep(before, last);
    assertEquals(new ExecutionOutcome.Output("42", o.elapsed()), o);
  }

  @Test
  void executeAllKeepsOrder() {
    List<String> programs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      programs.add(i % 4 == 3 ? "1/0" : "print(" + i + " * 2)");
    }
    List<ExecutionOutcome> out = verifier.executeAll(programs);
    for (int i = 0; i < 12; i++) {
      if (i % 4 == 3) {
        assertEquals("ZeroDivisionError: division by zero", out.get(i).text());
      } else {
        assertEquals(String.valueOf(i * 2), out.get(i).text());
      }
    }
  }

  @Test
  void executeStepsRunsTheRoundConcurrentlyInOrder() throws InterruptedException {
    // each step's program is its block (a = k) plus its own code; they sleep, so running them
    // one by one takes 8 x 300 ms, on the two pooled contexts about half of it
    List<Verifier.StepInContext> steps = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      Trajectory before =
          new Trajectory(
              List.of(StepFormat.parse("<code>\n# Step 1\na = " + k + "\n<end_of_step>")));
      Step step =
          StepFormat.parse(
              "\n# Step 2\nimport time\ntime.sleep(0.3)\nprint(a * 10)\n<end_of_step>");
      steps.add(new Verifier.StepInContext(before, step));
    }
    steps.add(
        new Verifier.StepInContext(
            Trajectory.empty(), StepFormat.parse("<code>\nprint(a)\n<end_of_step>")));
    // both pooled contexts warm (the pool answers once the first is)
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (verifier.stats().contextsCreated() - verifier.stats().contextsRecycled() < 2
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    long t0 = System.nanoTime();
    List<ExecutionOutcome> out = verifier.executeSteps(steps);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertEquals(steps.size(), out.size());
    for (int k = 0; k < 8; k++) {
      assertEquals(
          new ExecutionOutcome.Output(String.valueOf(k * 10), out.get(k).elapsed()), out.get(k));
    }
    assertEquals("NameError: name 'a' is not defined", out.get(8).text());
    assertTrue(took.compareTo(Duration.ofMillis(2_100)) < 0, () -> "not concurrent: " + took);
    assertEquals(List.of(), verifier.executeSteps(List.of()));
  }

  @Test
  void outcomesCarryTheTimeTaken() {
    ExecutionOutcome o = verifier.execute("print(sum(range(1000)))");
    assertEquals("499500", o.text());
    assertTrue(!o.elapsed().isNegative() && o.elapsed().compareTo(Duration.ofSeconds(2)) < 0);
  }

  @Test
  void unicodeRoundTrips() {
    assertEquals("π ≈ 3.14 ✓", output("print('π ≈ 3.14 ✓')"));
  }

  @Test
  void builderValidatesEagerly() {
    assertThrows(IllegalArgumentException.class, () -> GraalPyVerifier.builder().poolSize(0));
    assertThrows(
        IllegalArgumentException.class, () -> GraalPyVerifier.builder().timeout(Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> GraalPyVerifier.builder().timeout(Duration.ofMillis(-5)));
    assertThrows(
        IllegalArgumentException.class, () -> GraalPyVerifier.builder().maxRunsPerContext(0));
    assertThrows(
        IllegalArgumentException.class, () -> GraalPyVerifier.builder().maxOutputChars(10));
    assertThrows(IllegalArgumentException.class, () -> GraalPyVerifier.builder().recursionLimit(1));
    assertThrows(
        IllegalArgumentException.class,
        () -> GraalPyVerifier.builder().pythonPath(Path.of("/no/such/dir/rstar4j")));
    assertThrows(
        IllegalArgumentException.class,
        () -> GraalPyVerifier.builder().preload(List.of("os; import x")));
    assertThrows(NullPointerException.class, () -> GraalPyVerifier.builder().timeout(null));
  }
}
