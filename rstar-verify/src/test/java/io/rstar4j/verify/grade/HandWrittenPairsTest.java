package io.rstar4j.verify.grade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** The pairs of {@code grade/pairs.txt}: each must get its verdict, in both orders. */
class HandWrittenPairsTest {

  private record Pair(boolean equal, String a, String b, int line) {}

  private static List<Pair> pairs() throws IOException {
    List<Pair> out = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                Objects.requireNonNull(
                    HandWrittenPairsTest.class.getResourceAsStream("/grade/pairs.txt")),
                StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] p = line.split("\\|", 3);
        out.add(new Pair(p[0].equals("1"), p[1], p[2], n));
      }
    }
    return out;
  }

  @Test
  void everyPairGetsItsVerdict() throws IOException {
    MathGrader g = MathGrader.standard();
    List<String> wrong = new ArrayList<>();
    List<Pair> all = pairs();
    for (Pair p : all) {
      if (g.equivalent(p.a(), p.b()) != p.equal() || g.equivalent(p.b(), p.a()) != p.equal()) {
        wrong.add(
            "line "
                + p.line()
                + ": expected "
                + (p.equal() ? "equal" : "unequal")
                + ": "
                + p.a()
                + "  ||  "
                + p.b());
      }
    }
    MathGrader strict = MathGrader.strict();
    long strictAgrees =
        all.stream().filter(p -> strict.equivalent(p.a(), p.b()) == p.equal()).count();
    System.out.printf(
        "hand-written pairs: %d; standard rules agree on %d, strict reference rules " + "on %d%n",
        all.size(), all.size() - wrong.size(), strictAgrees);
    assertTrue(all.size() > 100);
    assertEquals(List.of(), wrong);
  }
}
