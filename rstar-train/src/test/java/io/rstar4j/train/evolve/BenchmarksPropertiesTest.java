package io.rstar4j.train.evolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.rstar4j.core.Problem;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/** Any list of problems written as the reference writes them reads back the same. */
class BenchmarksPropertiesTest {

  static Gen<String> text() {
    return SourceDSL.strings().allPossible().ofLengthBetween(1, 30).map(s -> "q" + s);
  }

  static Gen<List<Problem>> problems() {
    Gen<Problem> one =
        SourceDSL.integers()
            .between(0, 1_000_000)
            .zip(
                text(),
                SourceDSL.lists()
                    .of(SourceDSL.strings().basicLatinAlphabet().ofLengthBetween(0, 8))
                    .ofSizeBetween(0, 3),
                (i, q, gold) -> new Problem(Integer.toString(i), q, gold));
    return SourceDSL.lists()
        .of(one)
        .ofSizeBetween(1, 8)
        .map(
            ps -> {
              List<Problem> unique = new ArrayList<>();
              java.util.Set<String> seen = new java.util.HashSet<>();
              for (Problem p : ps) {
                if (seen.add(p.id())) {
                  unique.add(p);
                }
              }
              return unique;
            });
  }

  static JsonArray toJson(List<Problem> ps) {
    JsonArray a = new JsonArray();
    for (Problem p : ps) {
      JsonObject o = new JsonObject();
      o.addProperty("index", Integer.parseInt(p.id()));
      o.addProperty("question", p.question());
      if (p.goldAnswers().size() == 1) {
        o.addProperty("answer", p.goldAnswers().get(0));
      } else if (p.goldAnswers().size() > 1) {
        JsonArray g = new JsonArray();
        p.goldAnswers().forEach(g::add);
        o.add("answer", g);
      }
      a.add(o);
    }
    return a;
  }

  @Test
  void arraysAndLinesReadBackUnchanged() {
    Gson pretty = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    qt().withExamples(200)
        .forAll(problems())
        .checkAssert(
            ps -> {
              JsonArray a = toJson(ps);
              assertEquals(ps, Benchmarks.parse(new StringReader(pretty.toJson(a)), "p"));
              assertEquals(ps, Benchmarks.parse(new StringReader(a.toString()), "c"));
              StringBuilder lines = new StringBuilder();
              a.forEach(e -> lines.append(e).append('\n'));
              assertEquals(ps, Benchmarks.parse(new StringReader(lines.toString()), "l"));
            });
  }

  @Test
  void aBrokenEntryIsReportedAtTheLineWhereItStarts() {
    Gson pretty = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    qt().withExamples(100)
        .forAll(problems(), SourceDSL.integers().between(0, 7))
        .checkAssert(
            (ps, k) -> {
              int bad = k % ps.size();
              JsonArray a = toJson(ps);
              a.get(bad).getAsJsonObject().remove("question");
              String json = pretty.toJson(a);
              // the line of the bad entry's opening brace: entries open with "  {" in pretty output
              int line = 1;
              int seen = -1;
              for (String l : json.split("\n", -1)) {
                if (l.equals("  {")) {
                  seen++;
                  if (seen == bad) {
                    break;
                  }
                }
                line++;
              }
              final int expected = line;
              IllegalArgumentException e =
                  assertThrows(
                      IllegalArgumentException.class,
                      () -> Benchmarks.parse(new StringReader(json), "f.json"));
              assertTrue(
                  e.getMessage().startsWith("f.json:" + expected + ": problem "),
                  e.getMessage() + " expected line " + expected);
            });
  }
}
