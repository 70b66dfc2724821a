package io.rstar4j.verify.grade;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rules for answers as people and models write them (issue 12): each equal pair is checked in
 * both orders, and each rule has near misses that must stay unequal, also in both orders.
 */
class AnswersAsWrittenTest {

  private static final MathGrader GRADER = MathGrader.standard();

  private static void check(boolean equal, String a, String b) {
    assertTrue(
        GRADER.equivalent(a, b) == equal,
        () -> "expected " + (equal ? "equal" : "unequal") + ": " + a + "  vs  " + b);
    assertTrue(
        GRADER.equivalent(b, a) == equal,
        () -> "expected " + (equal ? "equal" : "unequal") + " (swapped): " + b + "  vs  " + a);
    // the explanation gives the same verdict, whichever side is the gold answer
    assertTrue(GRADER.explain(a, b).equal() == equal, () -> "explain(" + a + ", " + b + ")");
    assertTrue(GRADER.explain(b, a).equal() == equal, () -> "explain(" + b + ", " + a + ")");
  }

  @ParameterizedTest(name = "{0} | {1} | {2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        // a chain of equalities is read by its last value
        "1|t = 3 \\cdot 4 = 12|12",
        "1|3 \\cdot 4 = 12|12",
        "1|x = 5+5+1 = 7 = 11|11",
        "1|x = 5+5+1 = 7 = 11|x = 11",
        "1|k = \\frac{2}{4} = \\frac{1}{2}|0.5",
        "1|AB = 2\\sqrt{2} = \\sqrt{8}|2\\sqrt2",
        "1|x = y = 3|3",
        "0|t = 3 \\cdot 4 = 12|13",
        "0|t = 12 = 3 \\cdot 5|12",
        "0|x = 2 = 3|2",
        "0|3 \\cdot 4 = 12|3",
        "0|2x = 10|10",
        "0|2x = 4 = 2y|4",
        // an approximation is read by the exact value before \approx
        "1|2/7 \\approx 0.29|2/7",
        "1|\\frac{2}{7} \\approx 0.29|\\frac{2}{7}",
        "1|x = \\frac{1}{3} \\approx 0.33|\\frac13",
        "1|x = 5+5+1 = 1/3 \\approx 11|1/3",
        "1|x \\approx 2.5|2.5",
        "0|\\frac{2}{7} \\approx 0.29|0.29",
        "0|\\frac{3}{7} \\approx 0.2857|\\frac{2}{7}",
        "0|x = \\frac{1}{3} \\approx 0.33|0.33",
        // \sim is not an approximation (similar triangles, distributions): read as text
        "0|\\frac{2}{7} \\sim 0.29|\\frac{2}{7}",
        "0|\\frac{2}{7} \\sim 0.29|0.29",
        // decimal commas where the comma cannot be a thousands separator
        "1|2,75|2.75",
        "1|1000,99|1000.99",
        "1|1,22|1.22",
        "1|0,111|0.111",
        "1|-2,5|-2.5",
        "1|2{,}75|2.75",
        "1|\\$2,50|2.5",
        "1|2,75|\\frac{11}{4}",
        "1|2,75|75, 2",
        "1|1,000|1000",
        "1|10{,}000|10000",
        "1|1,5,7|7, 5, 1",
        "0|2,75|2.57",
        "0|2,75|275",
        "0|1,234|1.234",
        "0|1,000|1",
        "0|0,111|111",
        "0|1,5,7|1.57",
        "0|1,5,7|1.5",
        "0|0,0|0",
        "0|2,0|2",
        "0|10{,}000|10",
        // every fraction macro reads alike
        "1|\\cfrac{1}{2}|0.5",
        "1|\\cfrac{1}{2}|\\frac{1}{2}",
        "1|\\cfrac12|\\dfrac{1}{2}",
        "1|\\tfrac12|\\frac{1}{2}",
        "1|\\sfrac{1}{2}|\\tfrac{1}{2}",
        "1|\\nicefrac{1}{2}|1/2",
        "1|{1 \\over 2}|\\frac12",
        "1|-\\cfrac{3}{4}|-0.75",
        "1|\\cfrac{\\sqrt{3}}{2}|\\frac{\\sqrt3}{2}",
        "0|\\cfrac{1}{3}|\\frac{1}{2}",
        "0|\\cfrac12|\\frac21",
        "0|\\cfrac{2}{1}|0.5",
        "0|{1 \\over 3}|\\frac12",
        // a percent written as a word or an abbreviation
        "1|50 percent|50\\%",
        "1|50 pct|50\\%",
        "1|50 pct.|50%",
        "1|50 percentage|50\\%",
        "1|50 per cent|50\\%",
        "1|50\\text{ pct}|50\\%",
        "1|50 \\text{ percent}|50%",
        "1|12.5 pct|\\frac{1}{8}",
        "1|50 pct|0.5",
        "1|50 pct|50",
        "0|50 pct|5",
        "0|50 pct|0.05",
        "0|50 pct|51\\%",
        "0|50|0.5",
        // a labelled answer equals its value
        "1|MN = 7|7",
        "1|\\overline{MN} = 7|7",
        "1|`|AB| = 7`|7",
        "1|m\\angle ABC = 40|40",
        "1|\\angle A = 40^\\circ|40",
        "1|[ABC] = 12|12",
        "1|S_{ABC} = 12|12",
        "1|S_1:S_2 = 3:5|3:5",
        "1|V_{1}:V_{2}=11:21|11:21",
        "1|A:B=1|1",
        "1|\\frac{NO}{BO}=\\frac{1}{\\sqrt{6}}|\\frac{\\sqrt6}{6}",
        "1|AB=4, CD=5|4, 5",
        "1|MN = 7|MN = 7.0",
        "0|MN = 7|8",
        "0|S_1:S_2 = 3:5|5:3",
        "0|S_1:S_2 = 3:5|3",
        "0|xy = 6|6",
        "0|x + y = 7|7",
        "0|MN = 7|AB = 7",
        // lists of answers with labels, and "or" lists of tuples
        "1|a=1,b=4; a=2,b=3|(1,4),(2,3)",
        "1|a=1,b=4; a=2,b=3|(2,3),(1,4)",
        "1|p=5,q=2;p=7,q=2|(5,2),(7,2)",
        "1|a=1, b=4 \\text{ or } a=2, b=3|(1,4), (2,3)",
        "1|(11,7)or(7,11)|(7,11),(11,7)",
        "1|(1,4) \\text{ or } (2,3)|(1,4),(2,3)",
        "1|x = 1, y = 2 \\text{ or } x = 3, y = 4|(1,2), (3,4)",
        "0|a=1,b=4; a=2,b=3|(4,1),(3,2)",
        "0|a=1,b=4; a=2,b=3|(1,4)",
        "0|a=1,b=4; a=2,b=3|(1,3),(2,4)",
        "0|(11,7)or(7,11)|(11,7)",
        "0|(11,7)or(7,11)|(11,7),(7,12)",
        // relation and set notation for the same set
        "1|0 < t \\le 3|t \\in (0,3]",
        "1|0 < t \\le 3|(0,3]",
        "1|x \\in [2, 5)|2 \\le x < 5",
        "0|0 < t \\le 3|[0,3]",
        "0|0 < t \\le 3|t \\in (0,3)",
        // absolute-value bounds against unions of intervals
        "1|`|x-1| > 2`|(-\\infty,-1)\\cup(3,\\infty)",
        "1|`|x-1| \\ge 2`|(-\\infty,-1]\\cup[3,\\infty)",
        "1|`|x-1| \\le 2`|[-1,3]",
        "1|`|2x-1| < 3`|(-1,2)",
        "1|`|1-x| < 2`|-1 < x < 3",
        "1|`2 > |x|`|(-2,2)",
        "1|`|x| < 5`|x \\in (-5, 5)",
        "1|`|x-3| > 0`|x \\ne 3",
        "1|`1 \\le |z| \\le \\frac{3}{2}`|[-\\frac{3}{2},-1]\\cup[1,\\frac{3}{2}]",
        "1|`\\frac{3}{2} \\ge |z| > 1`|[-\\frac{3}{2},-1)\\cup(1,\\frac{3}{2}]",
        "1|`|x-1| > 2`|x < -1 \\text{ or } x > 3",
        "0|`|x-1| > 2`|(-\\infty,-1]\\cup[3,\\infty)",
        "0|`|x-1| > 2`|(-1,3)",
        "0|`|x-1| < 2`|(-1,3]",
        "0|`|x-1| \\le 2`|[-1,2]",
        "0|`1 < |z| \\le \\frac{3}{2}`|[-\\frac{3}{2},-1]\\cup[1,\\frac{3}{2}]",
        "0|`|x^2-1| < 3`|(-2,2)",
        "0|`|x-1| > 2`|`|x-1| < 2`",
        // matrices whose entries are equal numbers in another form
        "1|\\begin{pmatrix}1/2 & 0.5\\end{pmatrix}|\\begin{pmatrix}\\frac{1}{2} & \\frac12\\end{pmatrix}",
        "1|\\begin{pmatrix}\\frac{1}{4} \\\\ -\\frac{3}{2}\\end{pmatrix}|\\begin{bmatrix}0.25 \\\\ -1.5\\end{bmatrix}",
        "1|\\begin{pmatrix}\\sqrt{2}/2 & 0\\end{pmatrix}|\\begin{pmatrix}\\frac{1}{\\sqrt2} & 0.0\\end{pmatrix}",
        "1|\\begin{pmatrix}1,5 & 2\\end{pmatrix}|\\begin{pmatrix}1.5 & 2\\end{pmatrix}",
        "1|\\begin{pmatrix}\\cfrac{1}{3} \\\\ 0.2\\end{pmatrix}|\\begin{smallmatrix}0.33333 \\\\ \\tfrac15\\end{smallmatrix}",
        "1|\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}|\\left[\\begin{array}{cc}1 & 2 \\\\ 3 & 4\\end{array}\\right]",
        "1|\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}|\\begin{pmatrix}1 & 2 \\\\ 3 & 4 \\\\ \\end{pmatrix}",
        "1|\\begin{pmatrix}\\frac{1}{3\\sqrt[3]{x}^2} & 0\\end{pmatrix}|\\begin{pmatrix}\\frac{1}{3x^{2/3}} & 0\\end{pmatrix}",
        "0|\\begin{pmatrix}\\frac{1}{3} \\\\ \\frac15\\end{pmatrix}|\\begin{pmatrix}0.33 \\\\ 0.2\\end{pmatrix}",
        "0|\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}|\\begin{pmatrix}1 & 3 \\\\ 2 & 4\\end{pmatrix}",
        "0|\\begin{pmatrix}1/2 & 0.5\\end{pmatrix}|\\begin{pmatrix}1/2 \\\\ 0.5\\end{pmatrix}",
        "0|\\begin{pmatrix}1,5 & 2\\end{pmatrix}|\\begin{pmatrix}1.6 & 2\\end{pmatrix}",
        // boxes: nested, and several boxes at the end read as one list
        "1|\\boxed{\\boxed{5}}|5",
        "1|\\boxed{1}, \\boxed{2}|1, 2",
        "1|so $\\boxed{-2}$ \\quad \\text{and} \\quad $\\boxed{1}$|1, -2",
        "1|\\boxed{1}\\boxed{2}|\\boxed{1,2}",
        "1|\\boxed{k = 45} \\text{ and } \\boxed{n = 2}|k = 45, n = 2",
        "1|\\boxed{3} so the answer is \\boxed{7}|7",
        "0|\\boxed{3} so the answer is \\boxed{7}|3, 7",
        "0|The first part is \\boxed{3}. The second part is \\boxed{7}.|3, 7",
        "0|\\boxed{1}, \\boxed{2}|1",
        // other common forms
        "1|5 \\text{ cm}|5",
        "1|90^\\circ|90",
        "1|\\$5.00|5",
        "1|x \\in \\{1,2\\}|1, 2",
        "1|x \\in \\{1,2\\}|\\{2, 1\\}",
        "0|x \\in \\{1,2\\}|\\{1, 3\\}",
        "1|\\pm 3|3, -3",
        "0|\\pm 3|3",
        // mixed numbers: an integer and a proper fraction of integers, with or without a space
        "1|2\\frac{1}{2}|2.5",
        "1|2 \\frac{1}{2}|\\frac52",
        "1|4 4/9|40/9",
        "1|-4 4/9|-\\frac{40}{9}",
        "1|1 000|1000",
        "0|4 4/9|44/9",
        "0|4 4/9|4",
        "0|2 1/2|21/2",
        "0|2 \\frac{3}{2}|3.5"
      })
  void rule(int equal, String a, String b) {
    check(equal == 1, a, b);
  }

  @org.junit.jupiter.api.Test
  void nullIsStillNeverEqual() {
    assertFalse(GRADER.equivalent(null, "MN = 7"));
  }
}
