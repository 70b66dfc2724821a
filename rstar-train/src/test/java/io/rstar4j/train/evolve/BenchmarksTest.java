package io.rstar4j.train.evolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.Problem;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarksTest {
  @TempDir Path dir;

  @Test
  void readsAnArrayWithStringAndListAnswers() throws Exception {
    Path f = dir.resolve("b.json");
    Files.writeString(
        f,
        "[\n  {\"index\": 3, \"question\": \"What is 1 + 1?\", \"answer\": \"2\"},\n"
            + "  {\"index\": 7, \"question\": \"Roots of x^2=1?\", \"answer\": [\"1, -1\", \"-1, 1\"]},\n"
            + "  {\"index\": 9, \"question\": \"No gold\"}\n]\n");
    List<Problem> ps = Benchmarks.load(f);
    assertEquals(
        List.of(
            Problem.of("3", "What is 1 + 1?", "2"),
            Problem.of("7", "Roots of x^2=1?", "1, -1", "-1, 1"),
            Problem.of("9", "No gold")),
        ps);
    assertEquals(ps, Benchmarks.load(f.toString()));
  }

  @Test
  void readsJsonLinesAndDefaultsIdsToPositions() {
    List<Problem> ps =
        Benchmarks.parse(
            new StringReader(
                "{\"question\": \"a?\", \"answer\": \"1\"}\n\n{\"question\": \"b?\", \"answer\": 2}\n"),
            "x");
    assertEquals(List.of(Problem.of("0", "a?", "1"), Problem.of("1", "b?", "2")), ps);
  }

  @Test
  void errorsNameTheFileAndLine() throws Exception {
    Path f = dir.resolve("bad.json");
    Files.writeString(
        f,
        "[\n {\"index\": 0, \"question\": \"q\", \"answer\": \"1\"},\n"
            + " {\"index\": 1, \"answer\": \"2\"}\n]");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Benchmarks.load(f));
    assertTrue(e.getMessage().startsWith(f + ":3:"), e.getMessage());
    assertTrue(e.getMessage().contains("question"), e.getMessage());

    Files.writeString(
        f, "[\n {\"index\": 0, \"question\": \"q\", \"answer\": \"1\"},\n {\"index\": 1,,}\n]");
    e = assertThrows(IllegalArgumentException.class, () -> Benchmarks.load(f));
    assertTrue(e.getMessage().startsWith(f + ":3: malformed JSON"), e.getMessage());

    Files.writeString(
        f, "[{\"index\": 0, \"question\": \"q\"},\n{\"index\": 0, \"question\": \"r\"}]");
    e = assertThrows(IllegalArgumentException.class, () -> Benchmarks.load(f));
    assertTrue(e.getMessage().contains(":2: duplicate problem index 0"), e.getMessage());

    Files.writeString(f, "{\"question\": \"q\"}\n{\"question\": \n");
    e = assertThrows(IllegalArgumentException.class, () -> Benchmarks.load(f));
    assertTrue(e.getMessage().startsWith(f + ":2: malformed JSON"), e.getMessage());

    Files.writeString(f, "  \n");
    e = assertThrows(IllegalArgumentException.class, () -> Benchmarks.load(f));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());

    Files.writeString(f, "\n\n\"text\"");
    e = assertThrows(IllegalArgumentException.class, () -> Benchmarks.load(f));
    assertTrue(e.getMessage().startsWith(f + ":3: expected a JSON array"), e.getMessage());
  }

  @Test
  void unknownNamesAndMissingFilesAreClear() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Benchmarks.load(dir.resolve("nope.json").toString()));
    assertTrue(e.getMessage().contains("no such benchmark file"), e.getMessage());
    assertTrue(e.getMessage().contains("math500"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Benchmarks.shipped("mmlu"));
    assertTrue(e.getMessage().contains("unknown benchmark 'mmlu'"), e.getMessage());
    assertTrue(Benchmarks.isShipped("MATH"));
    assertTrue(Benchmarks.isShipped("gsm8k"));
  }
}
