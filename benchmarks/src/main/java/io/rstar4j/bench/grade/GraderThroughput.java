package io.rstar4j.bench.grade;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.rstar4j.bench.HarnessArgs;
import io.rstar4j.verify.grade.MathGrader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Grader throughput on the fast path (no symbolic back end): answer pairs built from the MATH gold
 * answers (the prediction is the gold itself, a boxed solution sentence, a {@code \dfrac} / decimal
 * / {@code x =} / spacing rewrite, or a near miss with a changed digit or sign), graded by {@link
 * MathGrader}. Prints pairs per second per round.
 *
 * <pre>
 * java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" \
 *     io.rstar4j.bench.grade.GraderThroughput [--pairs 100000] [--rounds 5] [--threads 1]
 *     [--golds rstar-train/src/main/resources/io/rstar4j/train/evolve/benchmarks/MATH_test.json] [--no-cache] [--strict]
 * </pre>
 */
public final class GraderThroughput {

  private GraderThroughput() {}

  @Command(name = "GraderThroughput", description = "grader throughput on the fast path")
  static final class Options {
    @Option(
        names = "--pairs",
        paramLabel = "N",
        defaultValue = "100000",
        description = "answer pairs (default ${DEFAULT-VALUE})")
    int pairs;

    @Option(
        names = "--rounds",
        paramLabel = "N",
        defaultValue = "5",
        description = "measured rounds after one warm-up round (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(
        names = "--threads",
        paramLabel = "N",
        defaultValue = "1",
        description = "grading threads (default ${DEFAULT-VALUE})")
    int threads;

    @Option(
        names = "--golds",
        paramLabel = "FILE",
        defaultValue =
            "rstar-train/src/main/resources/io/rstar4j/train/evolve/benchmarks/MATH_test.json",
        description =
            "a benchmark JSON file whose answers are the golds (default ${DEFAULT-VALUE}; a"
                + " built-in list when it is missing)")
    Path golds;

    @Option(names = "--no-cache", description = "no answer cache")
    boolean noCache;

    @Option(names = "--strict", description = "the strict reference rules")
    boolean strict;

    @Option(names = "--help", usageHelp = true, description = "show this help")
    boolean help;
  }

  public static void main(String[] args) throws Exception {
    Options opts = HarnessArgs.parse(new Options(), args);
    int pairs = opts.pairs;
    int rounds = opts.rounds;
    int threads = opts.threads;
    boolean cache = !opts.noCache;
    boolean strict = opts.strict;
    Path golds = opts.golds;
    List<String> goldAnswers = loadGolds(golds);
    List<String[]> work = buildPairs(goldAnswers, pairs, new Random(42));
    System.out.printf(
        Locale.ROOT,
        "grader throughput: %d pairs from %d gold answers (%s), %d "
            + "thread(s), answer cache %s, %s rules, JDK %s%n",
        work.size(),
        goldAnswers.size(),
        Files.exists(golds) ? golds : "built-in list",
        threads,
        cache ? "on" : "off",
        strict ? "strict reference" : "standard",
        System.getProperty("java.version"));
    double[] rates = new double[rounds];
    for (int r = -1; r < rounds; r++) {
      // a fresh grader each round: its cache starts empty
      MathGrader grader =
          MathGrader.builder().strictReference(strict).answerCacheSize(cache ? 4096 : 0).build();
      long t0 = System.nanoTime();
      long equal = run(grader, work, threads);
      long ns = System.nanoTime() - t0;
      double rate = work.size() / (ns / 1e9);
      if (r >= 0) {
        rates[r] = rate;
        System.out.printf(
            Locale.ROOT,
            "round %d: %,.0f pairs/s (%.2f us/pair, %d equal)%n",
            r + 1,
            rate,
            ns / 1e3 / work.size(),
            equal);
      } else {
        System.out.printf(Locale.ROOT, "warm-up: %,.0f pairs/s%n", rate);
      }
    }
    Arrays.sort(rates);
    System.out.printf(
        Locale.ROOT,
        "median %,.0f pairs/s, best %,.0f pairs/s%n",
        rates[rates.length / 2],
        rates[rates.length - 1]);
  }

  private static long run(MathGrader grader, List<String[]> work, int threads) throws Exception {
    if (threads <= 1) {
      return slice(grader, work, 0, work.size());
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Long>> parts = new ArrayList<>();
      int chunk = (work.size() + threads - 1) / threads;
      for (int t = 0; t < threads; t++) {
        int from = t * chunk;
        int to = Math.min(work.size(), from + chunk);
        parts.add(pool.submit(() -> slice(grader, work, from, to)));
      }
      long equal = 0;
      for (Future<Long> f : parts) {
        equal += f.get();
      }
      return equal;
    } finally {
      pool.shutdown();
    }
  }

  private static long slice(MathGrader grader, List<String[]> work, int from, int to) {
    long equal = 0;
    for (int i = from; i < to; i++) {
      String[] p = work.get(i);
      if (grader.equivalent(p[0], p[1])) {
        equal++;
      }
    }
    return equal;
  }

  static List<String> loadGolds(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of(
          "\\frac{14}{3}",
          "9",
          "p - q",
          "\\left( 3, \\frac{\\pi}{2} \\right)",
          "10",
          "\\text{Evelyn}",
          "27",
          "\\$32,\\!348",
          "(-\\infty, 2) \\cup (3, \\infty)",
          "x^2+7x+10",
          "\\sqrt{2}",
          "0.5",
          "90^\\circ",
          "2, -2",
          "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}",
          "\\text{(C)}",
          "y = 2x + 3",
          "1 \\pm \\sqrt{5}",
          "[-2, 7)",
          "3\\sqrt{3}");
    }
    List<String> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      JsonArray arr = JsonParser.parseReader(r).getAsJsonArray();
      for (JsonElement e : arr) {
        JsonElement a = e.getAsJsonObject().get("answer");
        if (a.isJsonArray()) {
          a.getAsJsonArray().forEach(x -> out.add(x.getAsString()));
        } else {
          out.add(a.getAsString());
        }
      }
    }
    return out;
  }

  /** Pairs {prediction, gold}: about half equal forms, half near misses, in random order. */
  static List<String[]> buildPairs(List<String> golds, int n, Random rnd) {
    List<String[]> out = new ArrayList<>(n);
    while (out.size() < n) {
      String g = golds.get(rnd.nextInt(golds.size()));
      String pred;
      switch (rnd.nextInt(8)) {
        case 0:
          pred = g;
          break;
        case 1:
          pred = "So the final answer is $\\boxed{" + g + "}$.";
          break;
        case 2:
          pred = g.replace("\\frac", "\\dfrac").replace(",", ", ");
          break;
        case 3:
          pred = g.matches("-?\\d+") ? g + ".0" : "\\left(" + g + "\\right)";
          break;
        case 4:
          pred = g.contains("=") ? g : "x = " + g;
          break;
        case 5:
          {
            int d = firstDigit(g);
            pred =
                d < 0
                    ? g + "1"
                    : g.substring(0, d)
                        + (char) ('0' + (g.charAt(d) - '0' + 1) % 10)
                        + g.substring(d + 1);
            break;
          }
        case 6:
          pred = g.startsWith("-") ? g.substring(1) : "-" + g;
          break;
        default:
          pred = golds.get(rnd.nextInt(golds.size()));
          break;
      }
      out.add(new String[] {pred, g});
    }
    return out;
  }

  private static int firstDigit(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isDigit(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }
}
