package io.rstar4j.verify.grade;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MathGraderPropertiesTest {

  private static final MathGrader GRADER = MathGrader.standard();
  private static final MathGrader STRICT = MathGrader.strict();
  private static final List<String> POOL = pool();

  /** Gold answers of MATH-500, their rewrites and near misses, and some hand-written oddities. */
  private static List<String> pool() {
    List<String> out = new ArrayList<>();
    for (String g : GoldAnswerRewrites.golds("/benchmarks/math500_test.json")) {
      out.add(g);
      GoldAnswerRewrites.equalForms(g).forEach(c -> out.add(c.variant()));
      GoldAnswerRewrites.nearMisses(g).forEach(c -> out.add(c.variant()));
    }
    out.addAll(
        List.of(
            "",
            " ",
            "x",
            "x > 5",
            "5 < x",
            "x = \\pm 2",
            "2, -2",
            "\\{\\}",
            "(",
            ")",
            "\\frac{",
            "}{",
            "\\boxed{",
            "1,000",
            "1, 000",
            "10\\%",
            "0.1",
            "200",
            "2",
            "A",
            "(A)",
            "\\text{(A)}",
            "e",
            "i",
            "-i",
            "\\infty",
            "-\\infty",
            "[1,2)",
            "(1,2]",
            "x \\in [1,2]",
            "1 \\le x \\le 2",
            "y = 2x+1",
            "2x - y + 1 = 0",
            "x^2",
            "|x|",
            "\\sqrt{x^2}"));
    return out;
  }

  @Test
  void symmetric() {
    qt().withExamples(20_000)
        .forAll(integers().between(0, POOL.size() - 1), integers().between(0, POOL.size() - 1))
        .check(
            (i, j) ->
                GRADER.equivalent(POOL.get(i), POOL.get(j))
                    == GRADER.equivalent(POOL.get(j), POOL.get(i)));
  }

  @Test
  void symmetricInStrictMode() {
    qt().withExamples(3_000)
        .forAll(integers().between(0, POOL.size() - 1), integers().between(0, POOL.size() - 1))
        .check(
            (i, j) ->
                STRICT.equivalent(POOL.get(i), POOL.get(j))
                    == STRICT.equivalent(POOL.get(j), POOL.get(i)));
  }

  @Test
  void everyAnswerEqualsItsNormalisedForm() {
    qt().withExamples(5_000)
        .forAll(integers().between(0, POOL.size() - 1))
        .check(
            i -> {
              String a = POOL.get(i);
              Normalizer.Normalized n = Normalizer.normalize(a);
              String form = n.text() + (n.percent() ? "\\%" : "");
              return a.isBlank() || GRADER.equivalent(a, form);
            });
  }

  @Test
  void reflexiveOnEveryString() {
    qt().withExamples(2_000)
        .forAll(integers().between(0, POOL.size() - 1))
        .check(i -> GRADER.equivalent(POOL.get(i), POOL.get(i)));
  }

  private static String plain(double x) {
    return new BigDecimal(x)
        .round(new java.math.MathContext(15))
        .stripTrailingZeros()
        .toPlainString();
  }

  /** A decimal with a decimal point: an approximation, to which the tolerance applies. */
  private static String decimal(double x) {
    String p = plain(x);
    return p.indexOf('.') < 0 ? p + ".0" : p;
  }

  @Test
  void numbersWithinTheRelativeToleranceAreEqual() {
    qt().forAll(doubles().between(-1e9, 1e9), doubles().between(-0.9e-4, 0.9e-4))
        .assuming((x, e) -> Math.abs(x) > 1e-6)
        .check((x, e) -> GRADER.equivalent(decimal(x), decimal(x * (1 + e))));
  }

  @Test
  void exactIntegersAreComparedExactlyUnlessAsked() {
    MathGrader lenient = MathGrader.builder().toleranceForExactNumbers(true).build();
    qt().forAll(integers().between(100_000, 1_000_000_000), integers().between(1, 9))
        .check(
            (n, d) ->
                !GRADER.equivalent(Integer.toString(n), Integer.toString(n + d))
                    && !GRADER.equivalent("\\frac{" + n + "}{1}", Integer.toString(n + d))
                    && lenient.equivalent(Integer.toString(n), Integer.toString(n + d))
                    && GRADER.equivalent(Integer.toString(n), n + ".0"));
  }

  @Test
  void numbersBeyondTheRelativeToleranceAreUnequal() {
    qt().forAll(doubles().between(-1e9, 1e9), doubles().between(1.1e-4, 10))
        .assuming((x, e) -> Math.abs(x) > 1e-6)
        .check(
            (x, e) ->
                !GRADER.equivalent(decimal(x), decimal(x * (1 + e)))
                    && !GRADER.equivalent(decimal(x), decimal(x / (1 + e))));
  }

  @Test
  void fractionsEqualTheirDecimals() {
    qt().forAll(integers().between(-500, 500), integers().between(1, 500))
        .check(
            (p, q) ->
                GRADER.equivalent("\\frac{" + p + "}{" + q + "}", plain((double) p / q))
                    && GRADER.equivalent("\\dfrac{" + p + "}{" + q + "}", p + "/" + q));
  }

  @Test
  void percentAllowanceOnlyForPercentages() {
    qt().forAll(integers().between(1, 100_000))
        .check(
            n ->
                GRADER.equivalent(n + "\\%", plain(n / 100.0))
                    && GRADER.equivalent(n + "\\%", Integer.toString(n))
                    && !GRADER.equivalent(Integer.toString(n), Long.toString(100L * n))
                    && !GRADER.equivalent(Integer.toString(n), plain(n / 100.0)));
  }

  @Test
  void intervalEndsMatter() {
    qt().forAll(integers().between(-1000, 1000), integers().between(1, 1000))
        .check(
            (a, w) -> {
              int b = a + w;
              String closed = "[" + a + ", " + b + "]";
              return GRADER.equivalent(closed, a + " \\le x \\le " + b)
                  && GRADER.equivalent(closed, "x \\in \\left[" + a + "," + b + "\\right]")
                  && !GRADER.equivalent(closed, "(" + a + ", " + b + "]")
                  && !GRADER.equivalent(closed, "[" + a + ", " + b + ")")
                  && !GRADER.equivalent(closed, "[" + b + ", " + a + "]");
            });
  }

  private static final String[] TOKENS = {
    "\\frac",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\\{",
    "\\}",
    "1",
    "2",
    "0",
    "-",
    "+",
    ",",
    "=",
    "<",
    "\\le",
    "x",
    "y",
    "\\pm",
    "\\sqrt",
    "^",
    "\\%",
    "\\text{",
    "cm",
    " ",
    "\\boxed{",
    "|",
    "!",
    "\\cup",
    "\\infty",
    ".",
    "or",
    "\\\\",
    "&",
    "\\begin{pmatrix}",
    "\\end{pmatrix}",
    "i",
    "e",
    "\\pi",
    "\\circ",
    "$",
    "A",
    "(B)",
    "/",
    "\\left(",
    "\\right)",
    "\\approx",
    "\\in",
    "\\sin",
    "\\log_",
    "\\overline{3}"
  };

  private static String tokens(List<Integer> picks) {
    StringBuilder sb = new StringBuilder();
    for (int p : picks) {
      sb.append(TOKENS[p]);
    }
    return sb.toString();
  }

  @Test
  void arbitraryTokenSoupNeverThrowsAndStaysSymmetric() {
    qt().withExamples(3_000)
        .forAll(
            org.quicktheories.generators.Generate.intArrays(
                integers().between(0, 12), integers().between(0, TOKENS.length - 1)),
            org.quicktheories.generators.Generate.intArrays(
                integers().between(0, 12), integers().between(0, TOKENS.length - 1)))
        .check(
            (x, y) -> {
              String a = tokens(java.util.Arrays.stream(x).boxed().toList());
              String b = tokens(java.util.Arrays.stream(y).boxed().toList());
              return GRADER.equivalent(a, b) == GRADER.equivalent(b, a)
                  && STRICT.equivalent(a, b) == STRICT.equivalent(b, a)
                  && GRADER.equivalent(a, a);
            });
  }

  @Test
  void hugeAndDeeplyNestedInputsAreHandled() {
    String deep = "(".repeat(5_000) + "1" + ")".repeat(5_000);
    org.junit.jupiter.api.Assertions.assertFalse(GRADER.equivalent(deep, "2"));
    org.junit.jupiter.api.Assertions.assertTrue(GRADER.equivalent(deep, deep + " "));
    String nested = "\\frac{".repeat(400) + "1" + "}{2}".repeat(400);
    GRADER.equivalent(nested, "0");
    STRICT.equivalent(nested, "0");
    String longText = "x + ".repeat(2_000) + "1";
    org.junit.jupiter.api.Assertions.assertTrue(
        GRADER.equivalent("\\boxed{2}" + longText, "The answer is \\boxed{2}"));
  }

  @Test
  void relationsKeepTheirDirection() {
    qt().forAll(integers().between(-1000, 1000))
        .check(
            c ->
                GRADER.equivalent("x > " + c, c + " < x")
                    && GRADER.equivalent("x > " + c, "(" + c + ", \\infty)")
                    && !GRADER.equivalent("x > " + c, "x < " + c)
                    && !GRADER.equivalent("x > " + c, "x \\ge " + c));
  }
}
