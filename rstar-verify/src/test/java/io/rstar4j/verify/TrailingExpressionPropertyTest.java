package io.rstar4j.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * The runner decides from the source text alone whether a program may end in an expression (to skip
 * the AST round trip). Property: on random programs built from tricky snippets, its output equals
 * the exact answer computed with {@code ast} (stdout, else the trailing expression's value). Runs
 * on the CPython pool (same runner, fast); skipped without python3.
 */
class TrailingExpressionPropertyTest {
  static final List<String> SNIPPETS =
      List.of(
          "x = 1",
          "# Let's compute f(x (",
          "y = (x +\n  2)",
          "x",
          "y",
          "print(x)",
          "for i in range(2):\n    x += i",
          "if x:\n    x = x * 2\nelse:\n    y = 0",
          "x, y = y, x",
          "(x,\n y)",
          "[x, y]",
          "d = {'k': x}",
          "d['k']",
          "s = \"it's\"",
          "s",
          "s2 = '#('",
          "f = lambda q=1: q",
          "f(\nq = 7)",
          "x = x; y",
          "x == 3",
          "x += 1",
          "x **= 2",
          "x <= y",
          "def g(a, b=2):\n    return a + b",
          "g(x)",
          "g(\n  x,\n  b=3)",
          "w = g(x) # (",
          "import math",
          "math.gcd(12, x)",
          "del d",
          "d = {}",
          "x if y else -x",
          "'''doc'''",
          "t = '''a\nb'''",
          "v = x +\\\n  1",
          "while x > 100:\n    x -= 1\n    # c",
          "print('a;b', x)",
          "[i * i for i in\n range(3)]");

  static CPythonVerifier verifier;

  @BeforeAll
  static void start() throws IOException {
    assumeTrue(CPythonVerifierTest.hasPython(), "python3 is not installed");
    verifier = CPythonVerifier.builder().workers(1).timeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    if (verifier != null) {
      verifier.close();
    }
  }

  static String oracle(String program) {
    return "import ast, io, contextlib\n"
        + "src = "
        + pyLiteral(program)
        + "\n"
        + "t = ast.parse(src)\n"
        + "g = {'__name__': '__main__'}\n"
        + "buf = io.StringIO()\n"
        + "v = None\n"
        + "with contextlib.redirect_stdout(buf):\n"
        + "    if t.body and isinstance(t.body[-1], ast.Expr):\n"
        + "        last = t.body.pop()\n"
        + "        exec(compile(t, 's', 'exec'), g)\n"
        + "        v = eval(compile(ast.Expression(last.value), 's', 'eval'), g)\n"
        + "    else:\n"
        + "        exec(compile(t, 's', 'exec'), g)\n"
        + "out = buf.getvalue()\n"
        + "print(out if out else ('' if v is None else str(v)))\n";
  }

  static String pyLiteral(String s) {
    StringBuilder b = new StringBuilder("'");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '\'' -> b.append("\\'");
        case '\n' -> b.append("\\n");
        default -> b.append(c);
      }
    }
    return b.append('\'').toString();
  }

  @Test
  void fastPathAgreesWithTheExactAstAnswer() {
    Gen<String> programs =
        SourceDSL.lists()
            .of(Generate.pick(SNIPPETS))
            .ofSizeBetween(1, 6)
            .map(l -> "x = 1\ny = 2\n" + String.join("\n", l));
    qt().withExamples(250)
        .forAll(programs)
        .checkAssert(
            p -> assertEquals(verifier.execute(oracle(p)).text(), verifier.execute(p).text(), p));
  }
}
