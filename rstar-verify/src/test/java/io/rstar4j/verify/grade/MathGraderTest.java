package io.rstar4j.verify.grade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MathGraderTest {

  private final MathGrader grader = MathGrader.standard();
  private final MathGrader strict = MathGrader.strict();

  private void eq(String a, String b) {
    assertTrue(grader.equivalent(a, b), () -> "expected equal: " + a + "  vs  " + b);
    assertTrue(grader.equivalent(b, a), () -> "expected equal (reversed): " + b + "  vs  " + a);
  }

  private void ne(String a, String b) {
    assertFalse(grader.equivalent(a, b), () -> "expected unequal: " + a + "  vs  " + b);
    assertFalse(grader.equivalent(b, a), () -> "expected unequal (reversed): " + b + "  vs  " + a);
  }

  @ParameterizedTest(name = "{0} == {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "\\boxed{\\frac{14}{3}}|\\frac{14}{3}",
        "\\dfrac{14}{3}|\\frac{14}{3}",
        "\\tfrac{1}{2}|0.5",
        "\\frac12|\\frac{1}{2}",
        "1/2|\\frac{1}{2}",
        "0.3333|\\frac{1}{3}",
        "$\\frac{1}{3}$|\\frac13",
        "10.0|10",
        "10.000|10",
        "1,000,000|1000000",
        "10{,}000|10000",
        "10,\\!000|10000",
        "x = 5|5",
        "x=5|5",
        "k = -3|-3",
        "\\left( 3, \\frac{\\pi}{2} \\right)|(3,\\frac{\\pi}{2})",
        "(3, \\pi/2)|\\left( 3, \\frac{\\pi}{2} \\right)",
        "(p,q)=(3,2)|(3,2)",
        "\\text{five}|5",
        "twenty-one|21",
        "30^\\circ|30",
        "30^{\\circ}|30",
        "30°|30",
        "10\\%|0.1",
        "10\\%|10",
        "5 \\text{ cm}|5",
        "5\\text{ inches}|5",
        "\\$5|5",
        "\\$1,000|1000",
        "12 square units|12",
        "2\\sqrt{3}|\\sqrt{12}",
        "\\sqrt{2}/2|\\frac{\\sqrt{2}}{2}",
        "\\frac{x+2}{7}|\\frac{x}{7}+\\frac{2}{7}",
        "\\sec^2 y|\\tan^2 y + 1",
        "x^2+2x+1|(x+1)^2",
        "p - q|-q + p",
        "1+2i|2i+1",
        "i|\\sqrt{-1}",
        "2\\frac{1}{2}|\\frac{5}{2}",
        "-\\frac{1}{2}|\\frac{-1}{2}",
        "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}|\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}",
        "\\begin{pmatrix} -1 \\\\ 2 \\end{pmatrix}|(-1, 2)",
        "\\text{(C)}|C",
        "(C)|C",
        "C|\\textbf{(C)}",
        "\\text{Devon}|Devon",
        "\\text{odd}|odd",
        "x < 5|x \\lt 5",
        "x < 5|5 > x",
        "x \\le 5|x \\leq 5",
        "x \\neq 3|x != 3",
        "x \\ge 2|x \\geqslant 2",
        "1 \\le x \\le 3|x \\in [1, 3]",
        "1 \\le x \\le 3|[1, 3]",
        "x \\in [1,3]|[1,3]",
        "x > 5|(5, \\infty)",
        "x \\ge 5|[5,\\infty)",
        "(-\\infty, 2) \\cup (3, \\infty)|(3,\\infty)\\cup(-\\infty,2)",
        "x < 2 \\text{ or } x > 3|(-\\infty, 2) \\cup (3, \\infty)",
        "x \\neq 3|(-\\infty,3)\\cup(3,\\infty)",
        "\\mathbb{R}|(-\\infty, \\infty)",
        "\\pm 2|2, -2",
        "x = \\pm 2|-2, 2",
        "1 \\pm \\sqrt{2}|1+\\sqrt{2}, 1-\\sqrt{2}",
        "2, 3|3, 2",
        "x = 2 \\text{ or } x = 3|3, 2",
        "2 or 3|3,2",
        "2 and 3|3;2",
        "\\{1, 2, 3\\}|\\{3,2,1\\}",
        "x = 2, x = 3|2, 3",
        "2x + 3y = 6|y = -\\frac{2}{3}x + 2",
        "2x+3y=6|4x+6y=12",
        "y = 2x + 1|2x - y + 1 = 0",
        "x \\approx 2.5|2.5",
        "\\emptyset|\\varnothing",
        "\\infty|\\infty",
        "3.14159|\\pi",
        "\\frac{\\sqrt{3}}{2}|0.8660",
        "e^2|e^{2}",
        "\\sqrt[3]{8}|2",
        "\\binom{5}{2}|10",
        "5!|120",
        "2^{10}|1024",
        "f(x) = 2x+1|2x+1",
        "\\left[ -1, 2 \\right)|[-1,2)",
        "1.5\\text{ hours}|1.5",
        "\\boxed{6}|6.0",
        "The answer is \\boxed{42}.|42",
        "1e-05|0.00001",
        "-0|0"
      })
  void equalPairs(String a, String b) {
    eq(a, b);
  }

  @ParameterizedTest(name = "{0} != {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "\\frac{14}{3}|\\frac{13}{3}",
        "5|-5",
        "5|6",
        "0.333|\\frac{1}{3}",
        "200|2",
        "2|200",
        "200\\%|200000",
        "x > 5|x < 5",
        "x \\ge 5|x > 5",
        "x = 5|x = -5",
        "y = 2x + 1|y = 2x + 3",
        "(1, 2)|[1, 2]",
        "(1, 2]|[1, 2]",
        "[1,2)|(1,2]",
        "(1, 2)|(2, 1)",
        "(1, 2)|\\{1, 2\\}",
        "(-\\infty, 2) \\cup (3, \\infty)|(-\\infty, 2] \\cup (3, \\infty)",
        "1 \\le x \\le 3|(1, 3)",
        "x < 2 \\text{ or } x > 3|(-\\infty, 2] \\cup [3, \\infty)",
        "2, 3|2, 4",
        "2, 3|2",
        "\\pm 2|2",
        "x^2+2x+1|(x-1)^2",
        "2x+3y=6|2x+3y=7",
        "\\text{(C)}|D",
        "C|B",
        "\\text{Devon}|\\text{Evan}",
        "odd|even",
        "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}|\\begin{pmatrix} 1 & 2 \\\\ 3 & 5 \\end{pmatrix}",
        "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}|\\begin{pmatrix} 1 & 3 \\\\ 2 & 4 \\end{pmatrix}",
        "3.14|\\pi",
        "i|-i",
        "1+2i|1-2i",
        "\\sqrt{2}|2",
        "x = 5|y = 5",
        "10|1,0",
        "|5",
        "no|on",
        "\\infty|-\\infty",
        "(3, \\frac{\\pi}{2})|(3, \\frac{\\pi}{3})"
      })
  void unequalPairs(String a, String b) {
    ne(a, b);
  }

  @Test
  void listValuedGoldMatchesAnyElement() {
    assertTrue(grader.matchesAny("\\frac{1}{2}", List.of("3", "0.5")));
    assertFalse(grader.matchesAny("\\frac{1}{3}", List.of("3", "0.5")));
  }

  @Test
  void backslashEscapesLostInJsonAreRepaired() {
    // "\tfrac" and "\frac" written with one backslash in JSON arrive as a tab or a form feed
    eq("\tfrac{3}{2}", "1.5");
    eq("\frac{1}{4}", "0.25");
    eq("\\left(\tfrac32, -\tfrac52\\right)", "(1.5, -2.5)");
    eq("\boxed{7}", "7");
  }

  @Test
  void nullIsNeverEqual() {
    assertFalse(grader.equivalent(null, "1"));
    assertFalse(grader.equivalent("1", null));
  }

  @Test
  void strictKeepsTheReferenceFalsePositives() {
    // the reference's percent allowance accepts 100x and x/100 for any pair of numbers
    assertTrue(strict.equivalent("200", "2"));
    assertFalse(grader.equivalent("200", "2"));
    // it compares |lhs - rhs| of relations, so reversed relations match
    assertTrue(strict.equivalent("x > 5", "x < 5"));
    assertFalse(grader.equivalent("x > 5", "x < 5"));
    // and ignores open and closed interval ends
    assertTrue(strict.equivalent("(1, 2)", "[1, 2]"));
    assertFalse(grader.equivalent("(1, 2)", "[1, 2]"));
    // and takes the right-hand side of any short equation as the answer
    assertTrue(strict.equivalent("2x = 10", "10"));
    assertFalse(grader.equivalent("2x = 10", "10"));
    assertTrue(grader.equivalent("2x = 10", "x = 5"));
  }

  @Test
  void strictAgreesOnPlainCases() {
    assertTrue(strict.equivalent("\\boxed{\\dfrac{14}{3}}", "\\frac{14}{3}"));
    assertTrue(strict.equivalent("x = 5", "5"));
    assertTrue(strict.equivalent("10\\%", "0.1"));
    assertTrue(strict.equivalent("\\left( 3, \\frac{\\pi}{2} \\right)", "(3,\\frac{\\pi}{2})"));
    assertTrue(strict.equivalent("C", "\\text{(C)}"));
    assertFalse(strict.equivalent("5", "6"));
    assertFalse(strict.equivalent("\\frac{1}{3}", "\\frac{1}{4}"));
    assertTrue(strict.isStrict());
  }

  @Test
  void strictStripStringFollowsTheReference() {
    assertEquals("\\frac{1}{2}", ReferenceGrader.stripString("\\dfrac12"));
    assertEquals("\\frac{3}{4}", ReferenceGrader.stripString("3/4"));
    assertEquals("5", ReferenceGrader.stripString("x = 5"));
    assertEquals("10", ReferenceGrader.stripString("10.00"));
    assertEquals("3", ReferenceGrader.stripString("3 \\text{ cm}"));
  }

  @Test
  void builderValidatesEagerly() {
    assertThrows(IllegalArgumentException.class, () -> MathGrader.builder().relativeTolerance(-1));
    assertThrows(IllegalArgumentException.class, () -> MathGrader.builder().relativeTolerance(1));
    assertThrows(IllegalArgumentException.class, () -> MathGrader.builder().answerCacheSize(-1));
    assertThrows(NullPointerException.class, () -> MathGrader.builder().symbolicBackend(null));
  }

  @Test
  void toleranceIsConfigurable() {
    MathGrader loose = MathGrader.builder().relativeTolerance(1e-2).build();
    assertTrue(loose.equivalent("3.14", "\\pi"));
    MathGrader exact = MathGrader.builder().relativeTolerance(0).build();
    assertFalse(exact.equivalent("0.3333", "\\frac{1}{3}"));
    assertTrue(exact.equivalent("0.5", "\\frac{1}{2}"));
  }

  @Test
  void extractAnswerTakesTheLastBox() {
    assertEquals("7", MathGrader.extractAnswer("first \\boxed{3} then \\boxed{7}"));
    assertEquals("plain", MathGrader.extractAnswer("  plain "));
  }
}
