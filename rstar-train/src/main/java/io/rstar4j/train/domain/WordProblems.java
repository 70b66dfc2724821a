package io.rstar4j.train.domain;

import com.google.gson.stream.JsonWriter;
import io.rstar4j.core.Problem;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Benchmark files and statistics for generated word problems. */
public final class WordProblems {
  private WordProblems() {}

  /**
   * Writes problems as a benchmark file in the shipped format: a JSON array of {@code {"index",
   * "question", "answer"}} objects, indented by four spaces like {@code GSM8K_test.json}. {@code
   * index} is the problem id (a string such as {@code arith-test-000007}), so {@code
   * Benchmarks.load} gives back the same ids. Written atomically: a temporary file in the same
   * directory, then a rename.
   *
   * @throws IllegalArgumentException if a problem has no gold answer, or two share an id
   * @throws IOException if the file cannot be written
   */
  public static void writeBenchmark(Path file, Collection<? extends Problem> problems)
      throws IOException {
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (Problem p : problems) {
      if (p.goldAnswers().size() != 1) {
        throw new IllegalArgumentException(
            "problem " + p.id() + " needs exactly one gold answer, has " + p.goldAnswers().size());
      }
      if (!ids.add(p.id())) {
        throw new IllegalArgumentException("duplicate problem id " + p.id());
      }
    }
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Path tmp = Files.createTempFile(dir, abs.getFileName().toString(), ".tmp");
    try {
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8);
          JsonWriter json = new JsonWriter(w)) {
        json.setIndent("    ");
        json.setHtmlSafe(false);
        json.beginArray();
        for (Problem p : problems) {
          json.beginObject();
          json.name("index").value(p.id());
          json.name("question").value(p.question());
          json.name("answer").value(p.goldAnswers().get(0));
          json.endObject();
        }
        json.endArray();
        w.write('\n');
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The {@link Problem}s of word problems, in order. */
  public static List<Problem> problems(Collection<WordProblem> problems) {
    List<Problem> out = new ArrayList<>(problems.size());
    for (WordProblem p : problems) {
      out.add(p.problem());
    }
    return List.copyOf(out);
  }

  /**
   * A table of the problems by level: count, operations (mean, min, max), distractors (mean), the
   * largest number in the question (mean), and how often each operation kind occurs.
   */
  public static String summary(Collection<WordProblem> problems) {
    Map<Integer, List<WordProblem>> byLevel = new TreeMap<>();
    for (WordProblem p : problems) {
      byLevel.computeIfAbsent(p.difficulty(), k -> new ArrayList<>()).add(p);
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%-5s %6s %9s %7s %11s %12s  %s%n",
            "level",
            "count",
            "ops mean",
            "ops",
            "distractors",
            "max number",
            "operation kinds"));
    for (Map.Entry<Integer, List<WordProblem>> e : byLevel.entrySet()) {
      List<WordProblem> ps = e.getValue();
      int min = Integer.MAX_VALUE;
      int max = 0;
      double ops = 0;
      double distractors = 0;
      double largest = 0;
      Map<OpKind, Integer> kinds = new EnumMap<>(OpKind.class);
      for (WordProblem p : ps) {
        int n = p.plan().steps().size();
        min = Math.min(min, n);
        max = Math.max(max, n);
        ops += n;
        distractors += p.distractors();
        largest += largestNumber(p.question());
        for (OpKind k : p.operations()) {
          kinds.merge(k, 1, Integer::sum);
        }
      }
      StringBuilder ks = new StringBuilder();
      kinds.entrySet().stream()
          .sorted((a, b) -> b.getValue() - a.getValue())
          .forEach(
              k ->
                  ks.append(k.getKey().name().toLowerCase(Locale.ROOT))
                      .append('=')
                      .append(k.getValue())
                      .append(' '));
      sb.append(
          String.format(
              Locale.ROOT,
              "%-5d %6d %9.2f %7s %11.2f %12.1f  %s%n",
              e.getKey(),
              ps.size(),
              ops / ps.size(),
              min + "-" + max,
              distractors / ps.size(),
              largest / ps.size(),
              ks.toString().strip()));
    }
    return sb.toString();
  }

  private static double largestNumber(String question) {
    double best = 0;
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\\d+(?:\\.\\d+)?").matcher(question);
    while (m.find()) {
      best = Math.max(best, Double.parseDouble(m.group()));
    }
    return best;
  }
}
