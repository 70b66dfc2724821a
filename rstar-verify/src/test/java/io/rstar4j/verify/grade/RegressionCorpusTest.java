package io.rstar4j.verify.grade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The verdicts recorded in {@link RegressionCorpus} stay as they are: the strict reference rules'
 * verdicts on every pair, and the standard rules' verdicts on every pair except the changes listed
 * in {@code grade/regression-changes.tsv} (each a rule added on purpose: {@code NEW <tab> gold
 * <tab> pred}, escaped like the corpus). A listed change that does not happen fails too, so the
 * list is exactly the set of changed verdicts.
 */
class RegressionCorpusTest {

  private static Map<List<String>, Boolean> changes() throws IOException {
    Map<List<String>, Boolean> out = new HashMap<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                Objects.requireNonNull(
                    RegressionCorpusTest.class.getResourceAsStream(
                        "/grade/regression-changes.tsv")),
                StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        out.put(
            List.of(RegressionCorpus.unesc(f[1]), RegressionCorpus.unesc(f[2])), f[0].equals("1"));
      }
    }
    return out;
  }

  @Test
  void onlyTheListedVerdictsChange() throws IOException {
    List<RegressionCorpus.Entry> corpus = RegressionCorpus.load();
    Map<List<String>, Boolean> changes = changes();
    MathGrader standard = MathGrader.standard();
    MathGrader strict = MathGrader.strict();
    List<String> unexpected = new ArrayList<>();
    int changed = 0;
    int seenChanges = 0;
    for (RegressionCorpus.Entry e : corpus) {
      boolean s = standard.equivalent(e.pred(), e.gold());
      boolean t = strict.equivalent(e.pred(), e.gold());
      if (t != e.strict()) {
        unexpected.add("strict " + e.strict() + " -> " + t + ": " + e.gold() + "  ||  " + e.pred());
      }
      Boolean listed = changes.get(List.of(e.gold(), e.pred()));
      if (listed != null) {
        seenChanges++;
        if (s != listed || s == e.standard()) {
          unexpected.add(
              "listed change "
                  + e.standard()
                  + " -> "
                  + listed
                  + " but now "
                  + s
                  + ": "
                  + e.gold()
                  + "  ||  "
                  + e.pred());
        } else {
          changed++;
        }
      } else if (s != e.standard()) {
        unexpected.add(
            "standard " + e.standard() + " -> " + s + ": " + e.gold() + "  ||  " + e.pred());
      }
    }
    System.out.printf(
        "regression corpus: %d pairs, %d listed standard verdict changes (%d happened), %d"
            + " unexpected%n",
        corpus.size(), changes.size(), changed, unexpected.size());
    unexpected.stream().limit(200).forEach(u -> System.out.println("  " + u.replace("\n", "\\n")));
    assertTrue(corpus.size() > 50_000, "corpus too small");
    assertEquals(changes.size(), seenChanges, "a listed change is not in the corpus");
    assertEquals(List.of(), unexpected);
  }
}
