package io.rstar4j.bench.verify;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Verifier;
import io.rstar4j.verify.CPythonVerifier;
import io.rstar4j.verify.GraalPyVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Throughput and latency of the verifiers on step programs: every step's program of the rStar SFT
 * examples (each step with the code before it in its block) and synthetic arithmetic steps (a new
 * source each time, as in a search), through the GraalPy verifier and the CPython worker pool, with
 * 1 and 2 caller threads, and loop-heavy steps with one. Prints programs/s, p50, p99 and cold
 * start.
 *
 * <pre>
 * java -Dpolyglot.engine.WarnInterpreterOnly=false \
 *   -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" \
 *   io.rstar4j.bench.verify.VerifierBenchmark [--synthetic N] [--rounds R] [--python-path DIR]
 * </pre>
 */
public final class VerifierBenchmark {
  private VerifierBenchmark() {}

  public static void main(String[] args) throws Exception {
    int synthetic = 400;
    int rounds = 5;
    Path pythonPath = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--synthetic" -> synthetic = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--python-path" -> pythonPath = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    List<String> sft = sftStepPrograms();
    System.out.printf(
        Locale.ROOT,
        "workload: %d SFT step programs (x%d rounds), %d synthetic arithmetic steps per pass; "
            + "%d cores, java %s%n",
        sft.size(),
        rounds,
        synthetic,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));

    long t0 = System.nanoTime();
    GraalPyVerifier.Builder gb =
        GraalPyVerifier.builder().poolSize(2).timeout(Duration.ofSeconds(5));
    if (pythonPath != null) {
      gb.pythonPath(pythonPath);
    }
    Map<String, Double> throughput = new LinkedHashMap<>();
    List<ExecutionOutcome> graalSft;
    List<ExecutionOutcome> cpySft;
    try (GraalPyVerifier graal = gb.build()) {
      graal.execute("print(1)");
      double cold = (System.nanoTime() - t0) / 1e6;
      System.out.printf(Locale.ROOT, "%nGraalPy: cold start (first run answered) %.0f ms%n", cold);
      measureAll("GraalPy", graal, sft, rounds, synthetic, throughput);
      System.out.println("GraalPy stats: " + graal.stats());
      graalSft = graal.executeAll(sft);
    }

    t0 = System.nanoTime();
    CPythonVerifier.Builder cb =
        CPythonVerifier.builder().workers(2).timeout(Duration.ofSeconds(5));
    if (pythonPath != null) {
      cb.pythonPath(pythonPath);
    }
    try (CPythonVerifier cpy = cb.build()) {
      cpy.execute("print(1)");
      double cold = (System.nanoTime() - t0) / 1e6;
      System.out.printf(
          Locale.ROOT, "%nCPython pool: cold start (first run answered) %.0f ms%n", cold);
      measureAll("CPython", cpy, sft, rounds, synthetic, throughput);
      cpySft = cpy.executeAll(sft);
    }
    int differ = 0;
    for (int i = 0; i < sft.size(); i++) {
      ExecutionOutcome g = graalSft.get(i);
      ExecutionOutcome c = cpySft.get(i);
      if (g.getClass() != c.getClass() || !g.text().equals(c.text())) {
        differ++;
        System.out.printf(
            Locale.ROOT,
            "outcomes differ on SFT step program %d: GraalPy %s | CPython %s%n",
            i,
            g,
            c);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%nSFT step programs with the same outcome on both: %d of %d%n",
        sft.size() - differ,
        sft.size());

    System.out.println();
    for (String w : List.of("synthetic", "sft", "loops")) {
      for (int threads : new int[] {1, 2}) {
        Double g = throughput.get("GraalPy/" + w + "/" + threads);
        Double c = throughput.get("CPython/" + w + "/" + threads);
        if (g != null && c != null) {
          System.out.printf(
              Locale.ROOT,
              "ratio %-9s %d thread(s): GraalPy %.0f/s vs CPython %.0f/s = %.2fx of CPython%n",
              w,
              threads,
              g,
              c,
              g / c);
        }
      }
    }
  }

  private static void measureAll(
      String name,
      Verifier v,
      List<String> sft,
      int rounds,
      int synthetic,
      Map<String, Double> throughput)
      throws Exception {
    // warm-up pass over both workloads (not measured)
    run(v, sft, 2);
    run(v, syntheticPrograms(200, 99), 2);
    for (int threads : new int[] {1, 2}) {
      List<String> syn = syntheticPrograms(synthetic, 1000 + threads);
      throughput.put(name + "/synthetic/" + threads, report(name, "synthetic", threads, v, syn));
      List<String> repeated = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        repeated.addAll(sft);
      }
      throughput.put(name + "/sft/" + threads, report(name, "sft", threads, v, repeated));
    }
    // loop-heavy steps (where an optimising runtime pays off), one thread
    throughput.put(name + "/loops/1", report(name, "loops", 1, v, loopPrograms(20, 7)));
  }

  /** Steps that spend their time in a Python loop (300,000 iterations), a new source each. */
  static List<String> loopPrograms(int n, long seed) {
    Random rnd = new Random(seed);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int k = 2 + rnd.nextInt(97);
      out.add(
          "total = 0\n"
              + "for i in range(300000):\n"
              + "    if i % "
              + k
              + " == 1:\n"
              + "        total += i * "
              + k
              + "\n"
              + "print(total)\n");
    }
    return out;
  }

  private static double report(
      String name, String workload, int threads, Verifier v, List<String> programs)
      throws Exception {
    Result r = run(v, programs, threads);
    double[] lat = r.latenciesMs();
    Arrays.sort(lat);
    double rate = programs.size() / r.seconds();
    System.out.printf(
        Locale.ROOT,
        "%-8s %-9s threads=%d  n=%5d  %8.1f programs/s  p50 %7.2f ms  p99 %7.2f ms  "
            + "errors %d  timeouts %d%n",
        name,
        workload,
        threads,
        programs.size(),
        rate,
        percentile(lat, 0.50),
        percentile(lat, 0.99),
        r.errors(),
        r.timeouts());
    return rate;
  }

  record Result(double seconds, double[] latenciesMs, int errors, int timeouts) {}

  private static Result run(Verifier v, List<String> programs, int threads) throws Exception {
    double[] lat = new double[programs.size()];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger timeouts = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long t0 = System.nanoTime();
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        fs.add(
            pool.submit(
                () -> {
                  int i;
                  while ((i = next.getAndIncrement()) < programs.size()) {
                    ExecutionOutcome o = v.execute(programs.get(i));
                    lat[i] = o.elapsed().toNanos() / 1e6;
                    if (o instanceof ExecutionOutcome.Timeout) {
                      timeouts.incrementAndGet();
                    } else if (!(o instanceof ExecutionOutcome.Output)) {
                      errors.incrementAndGet();
                    }
                  }
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Result(seconds, lat, errors.get(), timeouts.get());
  }

  private static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /**
   * Plain arithmetic steps like the policy writes: a few assignments and a print, new each time.
   */
  static List<String> syntheticPrograms(int n, long seed) {
    Random rnd = new Random(seed);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int a = 2 + rnd.nextInt(997);
      int b = 2 + rnd.nextInt(997);
      int c = 1 + rnd.nextInt(97);
      out.add(
          "# Step 1: compute the total cost\n"
              + "price_"
              + i
              + " = "
              + a
              + "\n"
              + "count = "
              + b
              + "\n"
              + "total = price_"
              + i
              + " * count + "
              + c
              + "\n"
              + "# Step 2: share per person\n"
              + "share = total / "
              + c
              + "\n"
              + "print(round(share, 2))\n");
    }
    return out;
  }

  /** Every step's program of the SFT examples: the code of the block up to and with that step. */
  static List<String> sftStepPrograms() throws IOException {
    List<String> out = new ArrayList<>();
    // the reference-format records of the rstar-core test jar
    String resource = "/rstar-format/sft_data_examples.json";
    try (InputStream in = VerifierBenchmark.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing resource " + resource + " (the rstar-core test jar)");
      }
      JsonArray arr =
          JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
              .getAsJsonArray();
      for (JsonElement e : arr) {
        String response = e.getAsJsonObject().get("response").getAsString();
        int start = response.indexOf("<code>");
        int end = response.indexOf("<end_of_code>");
        if (start < 0 || end < 0) {
          continue;
        }
        String block = response.substring(start + "<code>".length(), end);
        String[] steps = block.split("<end_of_step>", -1);
        StringBuilder program = new StringBuilder();
        for (String step : steps) {
          program.append(step);
          out.add(program.toString());
        }
      }
    }
    return out;
  }
}
