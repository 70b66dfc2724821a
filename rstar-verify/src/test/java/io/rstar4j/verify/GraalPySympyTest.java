package io.rstar4j.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rstar4j.core.ExecutionOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A pure-Python package directory (Debian's python3-sympy, installed by
 * .ci/install.d/10-python-packages.sh): sympy is imported once per context while it warms, with
 * native access off (the unicodedata stub), and the directory is read-only to programs.
 */
class GraalPySympyTest {
  static final Path DIST = Path.of("/usr/lib/python3/dist-packages");
  static GraalPyVerifier verifier;

  @BeforeAll
  static void start() {
    assumeTrue(
        Files.isDirectory(DIST.resolve("sympy")) && Files.isDirectory(DIST.resolve("mpmath")),
        "python3-sympy and python3-mpmath are not installed");
    verifier =
        GraalPyVerifier.builder()
            .poolSize(1)
            .pythonPath(DIST)
            .timeout(Duration.ofSeconds(30))
            .build();
    assertTrue(verifier.awaitReady(Duration.ofMinutes(4)), "the context warms with sympy");
  }

  @AfterAll
  static void stop() {
    if (verifier != null) {
      verifier.close();
    }
  }

  @Test
  void sympyIsImportedWhileWarmingNotPerRun() {
    assertEquals("True", verifier.execute("import sys\nprint('sympy' in sys.modules)").text());
    ExecutionOutcome o =
        verifier.execute("import sympy as sp\nx = sp.symbols('x')\nprint(sp.solve(x**2 - 4, x))");
    assertEquals("[-2, 2]", o.text(), o::toString);
    ExecutionOutcome again =
        verifier.execute("from sympy import Rational\nprint(Rational(1, 3) + Rational(1, 6))");
    assertEquals("1/2", again.text());
    assertTrue(again.elapsed().compareTo(Duration.ofSeconds(5)) < 0, again::toString);
  }

  @Test
  void theRealStepOfAnSftExampleRuns() {
    String program =
        "from sympy import symbols, asin, sqrt\n"
            + "theta = asin(sqrt(2)/3)\n"
            + "print(f\"Range of values for the angle: [0, {theta}]\")\n";
    assertEquals(
        "Range of values for the angle: [0, asin(sqrt(2)/3)]", verifier.execute(program).text());
  }

  @Test
  void unicodedataStubAnswersLookups() {
    assertEquals(
        "α",
        verifier
            .execute("import unicodedata\nprint(unicodedata.lookup('GREEK SMALL LETTER ALPHA'))")
            .text());
  }

  @Test
  void thePackageDirectoryIsReadOnlyAndNothingElseIsVisible() {
    ExecutionOutcome read =
        verifier.execute("print(open('" + DIST.resolve("sympy/__init__.py") + "').read()[:20])");
    assertFalse(read instanceof ExecutionOutcome.Output, read::toString);
    ExecutionOutcome passwd =
        verifier.execute("import io\nprint(io.open('/etc/passwd').read()[:20])");
    assertFalse(passwd instanceof ExecutionOutcome.Output, passwd::toString);
    ExecutionOutcome write =
        verifier.execute("import io\nio.open('" + DIST.resolve("rstar4j-x.py") + "', 'w')");
    assertFalse(write instanceof ExecutionOutcome.Output, write::toString);
    assertFalse(Files.exists(DIST.resolve("rstar4j-x.py")));
  }
}
