package io.rstar4j.verify.grade;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The gold answers of MATH-500 and MATH (5,000 problems), each written in other equivalent forms
 * that must be judged equal, and turned into near misses that must be judged unequal. Prints the
 * agreement rates (see target/surefire-reports/*-output.txt) and fails below the thresholds.
 */
class BenchmarkAgreementTest {

  private record Rates(
      int equalOk,
      int equalTotal,
      int missOk,
      int missTotal,
      int reflexiveOk,
      int reflexiveTotal,
      List<String> failures,
      Map<String, int[]> byRule) {}

  private static Rates measure(MathGrader grader, List<String> golds) {
    int eqOk = 0;
    int eqTotal = 0;
    int missOk = 0;
    int missTotal = 0;
    int reflOk = 0;
    List<String> failures = new ArrayList<>();
    Map<String, int[]> byRule = new TreeMap<>();
    for (String g : golds) {
      if (grader.equivalent(g, g)) {
        reflOk++;
      }
      List<GoldAnswerRewrites.Case> cases = new ArrayList<>(GoldAnswerRewrites.equalForms(g));
      cases.addAll(GoldAnswerRewrites.nearMisses(g));
      for (GoldAnswerRewrites.Case c : cases) {
        boolean verdict = grader.equivalent(c.variant(), c.gold());
        boolean ok = verdict == c.equal();
        int[] r =
            byRule.computeIfAbsent((c.equal() ? "equal/" : "miss/") + c.rule(), k -> new int[2]);
        r[1]++;
        if (ok) {
          r[0]++;
        } else if (failures.size() < 400) {
          failures.add(
              (c.equal() ? "should be equal:   " : "should be unequal: ")
                  + c.gold()
                  + "   <>   "
                  + c.variant());
        }
        if (c.equal()) {
          eqTotal++;
          eqOk += ok ? 1 : 0;
        } else {
          missTotal++;
          missOk += ok ? 1 : 0;
        }
      }
    }
    return new Rates(eqOk, eqTotal, missOk, missTotal, reflOk, golds.size(), failures, byRule);
  }

  private static void report(String name, Rates r) {
    System.out.printf(
        "%s: equal forms accepted %d/%d (%.2f%%), near misses rejected %d/%d "
            + "(%.2f%%), gold equal to itself %d/%d%n",
        name,
        r.equalOk(),
        r.equalTotal(),
        100.0 * r.equalOk() / r.equalTotal(),
        r.missOk(),
        r.missTotal(),
        100.0 * r.missOk() / r.missTotal(),
        r.reflexiveOk(),
        r.reflexiveTotal());
    r.byRule().forEach((k, v) -> System.out.printf("  %-28s %5d/%5d%n", k, v[0], v[1]));
    r.failures().stream().limit(60).forEach(f -> System.out.println("  " + f));
  }

  private static double rate(int ok, int total) {
    return total == 0 ? 1 : (double) ok / total;
  }

  @Test
  void math500() {
    Rates r =
        measure(MathGrader.standard(), GoldAnswerRewrites.golds("/benchmarks/math500_test.json"));
    report("MATH-500 (standard)", r);
    assertTrue(r.equalTotal() > 1500 && r.missTotal() > 500, "too few generated cases");
    assertTrue(rate(r.equalOk(), r.equalTotal()) >= 0.995, "equal-form agreement below 99.5%");
    assertTrue(rate(r.missOk(), r.missTotal()) >= 0.99, "near-miss agreement below 99%");
    assertTrue(r.reflexiveOk() == r.reflexiveTotal());
  }

  @Test
  void mathFull() {
    Rates r =
        measure(MathGrader.standard(), GoldAnswerRewrites.golds("/benchmarks/MATH_test.json"));
    report("MATH (standard)", r);
    assertTrue(r.equalTotal() > 15000 && r.missTotal() > 5000, "too few generated cases");
    assertTrue(rate(r.equalOk(), r.equalTotal()) >= 0.995, "equal-form agreement below 99.5%");
    assertTrue(rate(r.missOk(), r.missTotal()) >= 0.99, "near-miss agreement below 99%");
  }

  @Test
  void math500StrictForComparison() {
    Rates r =
        measure(MathGrader.strict(), GoldAnswerRewrites.golds("/benchmarks/math500_test.json"));
    report("MATH-500 (strict reference rules)", r);
    // the reference rules are known to accept some near misses; only check they run and mostly
    // agree
    assertTrue(rate(r.equalOk(), r.equalTotal()) >= 0.8);
  }
}
