package io.rstar4j.verify.grade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Verifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SymbolicBackendTest {

  private static boolean python;

  @BeforeAll
  static void probe() {
    python = LocalPythonVerifier.available();
  }

  /** A scripted verifier: records programs and answers with a fixed output. */
  private static final class Scripted implements Verifier {
    final List<String> programs = new ArrayList<>();
    final ExecutionOutcome answer;

    Scripted(ExecutionOutcome answer) {
      this.answer = answer;
    }

    @Override
    public ExecutionOutcome execute(String program) {
      programs.add(program);
      return answer;
    }
  }

  @Test
  void readsTheVerdictAndCachesIt() {
    Scripted v = new Scripted(new ExecutionOutcome.Output("True", Duration.ZERO));
    SymbolicBackend b = SymbolicBackend.sympy(v, 10);
    assertEquals(Optional.of(true), b.equivalent("harmonic(3)", "11/6"));
    assertEquals(Optional.of(true), b.equivalent("11/6", "harmonic(3)"));
    assertEquals(1, v.programs.size(), "the reversed pair must come from the cache");
    assertTrue(v.programs.get(0).contains("'harmonic(3)'"));
  }

  @Test
  void errorsAndTimeoutsAreUndecidedAndNotCached() {
    Scripted v = new Scripted(new ExecutionOutcome.Error("SympifyError: x", Duration.ZERO));
    SymbolicBackend b = SymbolicBackend.sympy(v, 10);
    assertEquals(Optional.empty(), b.equivalent("a", "b"));
    assertEquals(Optional.empty(), b.equivalent("a", "b"));
    assertEquals(2, v.programs.size());
    Scripted t = new Scripted(new ExecutionOutcome.Timeout(Duration.ofSeconds(1), Duration.ZERO));
    assertEquals(Optional.empty(), SymbolicBackend.sympy(t).equivalent("a", "b"));
  }

  @Test
  void quotesAreEscapedInTheProgram() {
    String p = SympyBackend.program("a'b\\c", "x\ny");
    assertTrue(p.contains("'a\\'b\\\\c'"), p);
    assertTrue(p.contains("'x\\u000ay'"), p);
  }

  @Test
  void validatesArguments() {
    assertThrows(NullPointerException.class, () -> SymbolicBackend.sympy(null));
    assertThrows(
        IllegalArgumentException.class, () -> SymbolicBackend.sympy(new Scripted(null), -1));
  }

  @Test
  void pythonLookingTextNeverReachesTheBackEnd() {
    Scripted v = new Scripted(new ExecutionOutcome.Output("True", Duration.ZERO));
    MathGrader g = MathGrader.builder().symbolicBackend(SymbolicBackend.sympy(v)).build();
    assertFalse(g.equivalent("__import__('os').system('true')", "0"));
    assertFalse(g.equivalent("eval('1')", "1"));
    assertFalse(g.equivalent("open('/etc/passwd')", "1"));
    assertEquals(0, v.programs.size());
    // while ordinary undecided text does
    assertTrue(g.equivalent("harmonic(3)", "\\frac{11}{6}"));
    assertEquals(1, v.programs.size());
  }

  @Test
  void theFastPathNeverCallsTheBackEndOnBenchmarkRewrites() {
    Scripted v = new Scripted(new ExecutionOutcome.Output("False", Duration.ZERO));
    MathGrader g = MathGrader.builder().symbolicBackend(SymbolicBackend.sympy(v)).build();
    int pairs = 0;
    for (String gold : GoldAnswerRewrites.golds("/benchmarks/math500_test.json")) {
      for (GoldAnswerRewrites.Case c : GoldAnswerRewrites.equalForms(gold)) {
        assertTrue(g.equivalent(c.variant(), c.gold()), c.toString());
        pairs++;
      }
      for (GoldAnswerRewrites.Case c : GoldAnswerRewrites.nearMisses(gold)) {
        g.equivalent(c.variant(), c.gold());
        pairs++;
      }
    }
    System.out.printf("back end called for %d of %d pairs%n", v.programs.size(), pairs);
    assertTrue(v.programs.size() * 100 < pairs, "more than 1% of pairs reached the back end");
  }

  @Test
  void sympyDecidesWhatJavaCannot() {
    assumeTrue(python, "python3 with sympy is not available");
    LocalPythonVerifier py = new LocalPythonVerifier();
    MathGrader g = MathGrader.builder().symbolicBackend(SymbolicBackend.sympy(py)).build();
    MathGrader plain = MathGrader.standard();
    // functions the Java evaluator does not know
    assertTrue(g.equivalent("harmonic(3)", "\\frac{11}{6}"));
    assertFalse(plain.equivalent("harmonic(3)", "\\frac{11}{6}"));
    assertFalse(g.equivalent("harmonic(3)", "\\frac{13}{6}"));
    assertTrue(g.equivalent("\\operatorname{lcm}(4, 6)", "12"));
    // numbers too large for doubles
    assertTrue(g.equivalent("2^{2005}", "4^{1002} \\cdot 2"));
    assertFalse(plain.equivalent("2^{2005}", "4^{1002} \\cdot 2"));
    assertFalse(g.equivalent("2^{2005}", "3^{2005}"));
    int runs = py.runs();
    assertTrue(g.equivalent("2^{2005}", "4^{1002} \\cdot 2"));
    assertEquals(runs, py.runs(), "a repeated pair must be answered from the cache");
  }

  @Test
  void strictModeUsesTheBackEndForItsSymbolicStep() {
    assumeTrue(python, "python3 with sympy is not available");
    LocalPythonVerifier py = new LocalPythonVerifier();
    MathGrader g =
        MathGrader.builder()
            .strictReference(true)
            .symbolicBackend(SymbolicBackend.sympy(py))
            .build();
    assertTrue(g.equivalent("harmonic(3)", "\\frac{11}{6}"));
    assertFalse(g.equivalent("harmonic(3)", "\\frac{13}{6}"));
  }
}
