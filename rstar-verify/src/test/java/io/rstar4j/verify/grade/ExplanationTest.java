package io.rstar4j.verify.grade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExplanationTest {

  private static final MathGrader GRADER = MathGrader.standard();
  private static final MathGrader STRICT = MathGrader.strict();

  private static Explanation.Reading reading(String kind, String normalized) {
    return new Explanation.Reading(kind, normalized);
  }

  @Test
  void relationAgainstInterval() {
    Explanation x = GRADER.explain("t \\in (0,3]", "0 < t \\le 3");
    assertTrue(x.equal());
    assertEquals(reading("assignment", "t = (0, 3]"), x.gold());
    assertEquals(reading("interval", "(0, 3]"), x.pred());
    assertEquals("relation-vs-interval", x.rule());
    assertEquals(List.of("relation-vs-interval"), x.path());
  }

  @Test
  void absoluteValueAgainstUnion() {
    Explanation x = GRADER.explain("(-\\infty,-1)\\cup(3,\\infty)", "|x-1| > 2");
    assertTrue(x.equal());
    assertEquals(reading("union", "(-∞, -1) ∪ (3, ∞)"), x.gold());
    assertEquals(reading("relation", "|x - 1| > 2"), x.pred());
    assertEquals("absolute-value-vs-intervals", x.rule());
  }

  @Test
  void chainIsReadByItsLastValue() {
    Explanation x = GRADER.explain("12", "t = 3 \\cdot 4 = 12");
    assertTrue(x.equal());
    assertEquals(reading("number", "12"), x.gold());
    assertEquals(reading("assignment", "t = 12"), x.pred());
    assertEquals(List.of("labelled-value", "same-text"), x.path());
  }

  @Test
  void decimalCommaNamesTheReadingThatMatched() {
    Explanation x = GRADER.explain("2.75", "2,75");
    assertEquals(reading("either", "2.75 | 2, 75"), x.pred());
    assertEquals("decimal-comma", x.rule());
    Explanation list = GRADER.explain("75, 2", "2,75");
    assertTrue(list.equal());
    assertEquals(List.of("list", "any-order", "same-text"), list.path());
  }

  @Test
  void aFailedTupleShowsTheItemThatDiffered() {
    Explanation x = GRADER.explain("(1, \\frac{1}{2})", "(1, 0.6)");
    assertFalse(x.equal());
    assertEquals(reading("tuple", "(1, 1/2)"), x.gold());
    assertEquals(List.of("tuple-in-order", "number-tolerance"), x.path());
  }

  @Test
  void percentAndExpressionsAreNamed() {
    assertEquals("percent", GRADER.explain("\\frac{1}{2}", "50 pct").rule());
    Explanation e = GRADER.explain("(x+1)^2", "x^2+2x+1");
    assertTrue(e.equal());
    assertEquals(reading("expression", "(x + 1)^2"), e.gold());
    assertEquals("expression-sampled", e.rule());
    assertEquals("choice", GRADER.explain("\\text{(B)}", "B").rule());
    assertEquals(
        reading("matrix", "[[1, 2], [3, 4]]"),
        GRADER.explain("\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", "1").gold());
  }

  @Test
  void fastPathsAreNamed() {
    assertEquals("identical", GRADER.explain("x", "x").rule());
    Explanation plain = GRADER.explain("12", "13");
    assertFalse(plain.equal());
    assertEquals("plain-numbers", plain.rule());
    String longText = "word ".repeat(600);
    assertEquals("long-text", GRADER.explain(longText, longText + "!").rule());
  }

  @Test
  void strictRulesNameTheReferenceStep() {
    Explanation x = STRICT.explain("\\frac{1}{2}", "\\dfrac12");
    assertTrue(x.equal());
    assertEquals("reference-same-text", x.rule());
    assertEquals(reading("expression", "\\frac{1}{2}"), x.pred());
    Explanation n = STRICT.explain("2", "200");
    assertTrue(n.equal(), "the reference's percent allowance");
    assertEquals("reference-numbers", n.rule());
    assertEquals("number", n.gold().kind());
    Explanation no = STRICT.explain("2", "3");
    assertFalse(no.equal());
    assertTrue(no.rule().startsWith("reference-"), no.rule());
  }

  @Test
  void theVerdictIsAlwaysThatOfEquivalent() {
    List<String> pool = new ArrayList<>();
    for (String g : GoldAnswerRewrites.golds("/benchmarks/math500_test.json")) {
      pool.add(g);
      GoldAnswerRewrites.equalForms(g).forEach(c -> pool.add(c.variant()));
      GoldAnswerRewrites.nearMisses(g).forEach(c -> pool.add(c.variant()));
      pool.addAll(RegressionCorpus.probes(g));
    }
    qt().withExamples(1_500)
        .forAll(integers().between(0, pool.size() - 1), integers().between(0, pool.size() - 1))
        .check(
            (i, j) -> {
              String g = pool.get(i);
              // often a rewrite or near miss of the same gold answer (they follow it in the pool)
              String p = pool.get(j % 3 == 0 ? Math.min(pool.size() - 1, i + 1 + j % 7) : j);
              Explanation x = GRADER.explain(g, p);
              Explanation s = STRICT.explain(g, p);
              return x.equal() == GRADER.equivalent(p, g)
                  && s.equal() == STRICT.equivalent(p, g)
                  && x.path().get(0).equals(x.rule())
                  && !x.gold().kind().isEmpty();
            });
  }

  @Test
  void explanationsAreValidatedValues() {
    Explanation.Reading r = reading("number", "1");
    List<String> path = new ArrayList<>(List.of("same-text"));
    Explanation x = new Explanation(true, r, r, "same-text", path);
    path.add("changed");
    assertEquals(List.of("same-text"), x.path());
    assertThrows(UnsupportedOperationException.class, () -> x.path().add("x"));
    assertThrows(IllegalArgumentException.class, () -> new Explanation(true, r, r, "a", List.of()));
    assertThrows(
        IllegalArgumentException.class, () -> new Explanation(true, r, r, "a", List.of("b")));
    assertThrows(NullPointerException.class, () -> new Explanation(true, null, r, "a", path));
    assertThrows(NullPointerException.class, () -> reading(null, "1"));
    assertThrows(NullPointerException.class, () -> GRADER.explain(null, "1"));
    assertThrows(NullPointerException.class, () -> GRADER.explain("1", null));
  }
}
