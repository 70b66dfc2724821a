package io.rstar4j.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import java.util.List;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * {@link ProgramText}'s Java ports answer exactly as the runner's Python originals ({@code
 * _ends_with_statement}, {@code _may_touch_shared_state}) on random texts built from the tokens
 * those functions look at (quotes, brackets, comments, continuations, Python-only spaces).
 */
class ProgramTextPropertyTest {
  static final List<String> TOKENS =
      List.of(
          "x",
          "y1",
          "_a",
          "a.b",
          "d['k']",
          "math.pi",
          " ",
          "  ",
          "\t",
          "\n",
          "\n    ",
          "\n\t",
          "=",
          "==",
          "!=",
          "<=",
          ">=",
          "+=",
          "**=",
          "//=",
          "-=",
          "@=",
          "*",
          "**",
          "/",
          "(",
          ")",
          "[",
          "]",
          "{",
          "}",
          "#",
          "# c(",
          "\"",
          "'",
          "\"\"\"",
          "'''",
          "\\\n",
          "\\",
          ":",
          ";",
          ",",
          ".",
          "print(",
          "print",
          "for ",
          "if ",
          "else:",
          "elif ",
          "while ",
          "try:",
          "def ",
          "class ",
          "return",
          "import ",
          "from ",
          "with ",
          "async ",
          "pass",
          "lambda",
          "sys",
          "__",
          "getattr",
          "del ",
          "del",
          "gc",
          "vars(",
          "exec",
          "context",
          "1",
          "2.5",
          "\u00a0",
          "\u2028",
          "\u3000",
          "\u0085",
          "\u000b",
          "\u001c",
          "\u200b",
          "\u00e9",
          "\u03bb",
          "\ud83d\ude00",
          "!",
          "<",
          ">",
          "-",
          "%");

  static Context ctx;
  static Value ends;
  static Value mayTouch;

  @BeforeAll
  static void start() {
    ctx =
        Context.newBuilder("python")
            .engine(GraalPyContextPool.SharedEngine.get())
            .allowHostAccess(HostAccess.NONE)
            .option("python.DontWriteBytecodeFlag", "true")
            .build();
    ctx.eval(Source.newBuilder("python", PythonScripts.RUNNER, "rstar_exec.py").buildLiteral());
    Value b = ctx.getBindings("python");
    ends = b.getMember("_ends_with_statement");
    mayTouch = b.getMember("_may_touch_shared_state");
  }

  @AfterAll
  static void stop() {
    if (ctx != null) {
      ctx.close();
    }
  }

  @Test
  void javaPortsAnswerAsThePythonOriginals() {
    qt().withExamples(4_000)
        .forAll(
            SourceDSL.lists()
                .of(Generate.pick(TOKENS))
                .ofSizeBetween(0, 24)
                .map(l -> String.join("", l)))
        .checkAssert(
            code -> {
              assertEquals(
                  ends.execute(code).asBoolean(),
                  ProgramText.endsWithStatement(code),
                  () -> "endsWithStatement of " + code.replace("\n", "\\n"));
              assertEquals(
                  mayTouch.execute(code).asBoolean(),
                  ProgramText.mayTouchSharedState(code),
                  () -> "mayTouchSharedState of " + code.replace("\n", "\\n"));
            });
  }

  @Test
  void knownAnswers() {
    assertTrue(ProgramText.endsWithStatement("x = 1\nprint(x)\n"));
    assertTrue(ProgramText.endsWithStatement("# only a comment\n"));
    assertTrue(ProgramText.endsWithStatement("for i in range(3):\n    i * 2\n# done"));
    assertFalse(ProgramText.endsWithStatement("x = 3\nx + 4"));
    assertFalse(ProgramText.endsWithStatement("def f(x=1):\n    return x\nf(\nx = 6)"));
    assertFalse(ProgramText.endsWithStatement("x = 1; x + 1"));
    assertFalse(ProgramText.mayTouchSharedState("total = 3 * 4\nprint(round(total / 5, 2))"));
    assertTrue(ProgramText.mayTouchSharedState("import math\nmath.pi = 3"));
    assertTrue(ProgramText.mayTouchSharedState("import sys"));
    assertTrue(ProgramText.mayTouchSharedState("for x.y in range(2): pass"));
  }
}
