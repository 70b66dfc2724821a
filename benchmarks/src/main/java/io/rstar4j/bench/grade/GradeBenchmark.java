package io.rstar4j.bench.grade;

import io.rstar4j.verify.grade.MathGrader;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The grader's fast path under JMH, the same answer pairs as {@link GraderThroughput} (which stays
 * the harness for thread scaling): one operation grades {@value #PAIRS} pairs with a fresh grader,
 * so the answer cache starts empty, as in a grading run. The rules and the cache are parameters.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar GradeBenchmark -f 1 -wi 2 -i 3} (add
 * {@code -p strict=false} to pin a parameter)
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class GradeBenchmark {
  static final int PAIRS = 10_000;

  /** The strict reference rules or the standard ones. */
  @Param({"false", "true"})
  public boolean strict;

  /** Entries of the grader's answer cache (0: none). */
  @Param({"4096", "0"})
  public int cacheSize;

  /** The benchmark file whose answers are the golds (a built-in list when it is missing). */
  @Param({"rstar-train/src/main/resources/io/rstar4j/train/evolve/benchmarks/MATH_test.json"})
  public String golds;

  private List<String[]> pairs;

  @Setup(Level.Trial)
  public void pairs() throws Exception {
    pairs =
        GraderThroughput.buildPairs(
            GraderThroughput.loadGolds(Path.of(golds)), PAIRS, new Random(42));
  }

  /** Grades every pair with a fresh grader; returns how many were equal. */
  @Benchmark
  @OperationsPerInvocation(PAIRS)
  public long grade() {
    MathGrader grader =
        MathGrader.builder().strictReference(strict).answerCacheSize(cacheSize).build();
    long equal = 0;
    for (String[] p : pairs) {
      if (grader.equivalent(p[0], p[1])) {
        equal++;
      }
    }
    return equal;
  }
}
