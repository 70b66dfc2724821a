package io.rstar4j.bench.model;

import io.rstar4j.core.model.PrefixCaches;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One prefix-cache lookup, the token trie the runtime uses against the linear longest-common-prefix
 * scan it replaced, with 10 to 100,000 cached prompts shaped like a search's: every prompt shares a
 * 64-token head (template and question), then follows a path of 6 steps of 12 tokens down a tree
 * with 8 branches per node, so that siblings share their parent's tokens; every prompt is 136
 * tokens whatever the number of entries. A lookup is the prompt of a child of a cached node (the
 * cached prompt plus a 12-token step), capped at its length minus one as the runtime asks, so the
 * answer is the whole cached prompt. The trie's cost follows the prompt's length; the scan's grows
 * with the number of entries.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar PrefixCacheBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx2g"})
@State(Scope.Thread)
public class PrefixCacheBenchmark {
  static final int HEAD = 64;
  static final int STEP = 12;
  static final int BRANCHES = 8;
  static final int DEPTH = 6;
  static final int VOCAB = 151_000;

  @Param({"10", "1000", "100000"})
  public int entries;

  @Param({"trie", "linear"})
  public String cache;

  private PrefixCaches.Index index;
  private int[][] queries;
  private int next;

  @Setup
  public void fill() {
    SplittableRandom r = new SplittableRandom(42);
    int[] head = tokens(new SplittableRandom(0), HEAD);
    index = cache.equals("trie") ? PrefixCaches.trie() : PrefixCaches.linear();
    // Distinct random leaves of the step tree (all DEPTH steps deep, so every prompt has the same
    // length whatever the number of entries): no stored prompt is a prefix of another, as in the
    // runtime, which drops a parent's entry once a child's is stored.
    long leavesInTree = 1L << (3 * DEPTH); // BRANCHES^DEPTH
    Set<Long> chosen = new HashSet<>();
    int[][] leaves = new int[entries][];
    int n = 0;
    while (n < entries) {
      long leaf = r.nextLong(leavesInTree);
      if (chosen.add(leaf)) {
        leaves[n++] = prompt(head, leaf);
      }
    }
    for (int[] p : leaves) {
      index.put(p);
    }
    if (index.entries() != entries) {
      throw new IllegalStateException(index.entries() + " entries, wanted " + entries);
    }
    queries = new int[1024][];
    for (int i = 0; i < queries.length; i++) {
      int[] p = leaves[r.nextInt(leaves.length)];
      queries[i] = Arrays.copyOf(p, p.length + STEP);
      System.arraycopy(tokens(r, STEP), 0, queries[i], p.length, STEP);
    }
    int want = leaves[0].length;
    if (index.lookup(Arrays.copyOf(leaves[0], want + 1), want) != want) {
      throw new IllegalStateException("the cached prompt is not found whole");
    }
  }

  /** The head, then the steps down to a leaf: step k's tokens depend on the path to it only. */
  private static int[] prompt(int[] head, long leaf) {
    int[] p = Arrays.copyOf(head, HEAD + DEPTH * STEP);
    long node = 0;
    for (int level = 0; level < DEPTH; level++) {
      int branch = (int) ((leaf >>> (3 * (DEPTH - 1 - level))) & (BRANCHES - 1));
      node = node * BRANCHES + branch + 1;
      System.arraycopy(tokens(new SplittableRandom(node), STEP), 0, p, HEAD + level * STEP, STEP);
    }
    return p;
  }

  private static int[] tokens(SplittableRandom r, int n) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = r.nextInt(VOCAB);
    }
    return t;
  }

  @Benchmark
  public int lookup() {
    int[] q = queries[next++ & (queries.length - 1)];
    return index.lookup(q, q.length - 1);
  }
}
