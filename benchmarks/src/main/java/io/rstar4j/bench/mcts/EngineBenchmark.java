package io.rstar4j.bench.mcts;

import io.rstar4j.mcts.engine.EngineOptions;
import io.rstar4j.mcts.engine.Mcts;
import io.rstar4j.mcts.engine.NewChild;
import io.rstar4j.mcts.engine.Rollout;
import io.rstar4j.mcts.engine.SelectionRule;
import io.rstar4j.mcts.engine.StateSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The generic engine's own cost, with a zero-cost state space (children and values come from
 * precomputed tables), so that only selection, expansion bookkeeping and backup are timed.
 *
 * <ul>
 *   <li>{@code rolloutOnFixedTree}: one rollout on a complete 10-ary tree of 10^3 to 10^6 nodes
 *       (depth 3 to 6): select down to a leaf, evaluate it from a table, back the value up. Divide
 *       the time by the depth for the cost per node visited (each level scans 10 children).
 *   <li>{@code growTree}: the reference's search (UCT c = 2, unvisited = 0, deep rollouts,
 *       node-only initial values as with a PPM, +-1 answers propagated) from an empty tree until it
 *       holds 10^3 to 10^6 nodes; divide by the node count for the cost per node created.
 * </ul>
 *
 * Run: {@code java -jar benchmarks/target/benchmarks.jar EngineBenchmark -f 1 -wi 2 -i 3}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class EngineBenchmark {

  private static final int MAX_DEPTH = 16;
  private static final double[] VALUES = new double[1 << 16];

  static {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < VALUES.length; i++) {
      VALUES[i] = r.nextDouble() * 2 - 1;
    }
  }

  /** A complete 10-ary tree whose leaves are terminal and re-evaluated from a table. */
  @State(Scope.Thread)
  public static class FixedTree {
    /** Depth of the complete 10-ary tree: 3 -> 1,111 nodes ... 6 -> 1,111,111 nodes. */
    @Param({"3", "4", "5", "6"})
    public int depth;

    Mcts<Integer> mcts;
    StateSpace<Integer> space;
    int counter;

    @Setup(Level.Trial)
    public void build() {
      final int d = depth;
      List<NewChild<Integer>> inner = new ArrayList<>();
      List<NewChild<Integer>> leaves = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        inner.add(NewChild.of(i));
        leaves.add(NewChild.terminal(i, VALUES[i]));
      }
      space =
          new StateSpace<>() {
            @Override
            public List<NewChild<Integer>> expand(Integer s, int level) {
              return level + 1 < d ? inner : leaves;
            }

            @Override
            public double evaluate(Integer s) {
              return VALUES[(counter++) & (VALUES.length - 1)];
            }
          };
      EngineOptions o =
          EngineOptions.builder()
              .maxDepth(d + 1)
              .rule(SelectionRule.uct(2.0, SelectionRule.UnvisitedScore.INFINITY))
              .revisitTerminals(true)
              .build();
      int expected = 0;
      for (int i = 0, p = 1; i <= d; i++, p *= 10) {
        expected += p;
      }
      mcts = new Mcts<>(0, o, expected);
      while (mcts.tree().size() < expected) {
        mcts.run(space, 1000);
      }
      // warm the statistics so that selection is not trivially the first unvisited child
      mcts.run(space, expected / 10);
    }
  }

  /** One rollout on a fixed tree (no node is created). */
  @Benchmark
  public int rolloutOnFixedTree(FixedTree t) {
    Rollout<Integer> ro = t.mcts.startRollout();
    while (!ro.isDone()) {
      int n = ro.node();
      if (ro.status() == Rollout.Status.NEEDS_EVALUATION) {
        ro.evaluate(t.space.evaluate(n));
      } else {
        ro.expand(t.space.expand(n, t.mcts.tree().depth(n)));
      }
    }
    return t.mcts.tree().size();
  }

  /** The reference's search growing a tree of the given size. */
  @State(Scope.Thread)
  public static class Growth {
    /** Nodes to create. */
    @Param({"1000", "10000", "100000", "1000000"})
    public int nodes;

    StateSpace<Integer> space;

    @Setup(Level.Trial)
    public void setUp() {
      // 4 children per expansion: PPM-like node-only values; one in 16 expansions also has an
      // answer child (then, like the reference's answer rule, it is the only child)
      List<List<NewChild<Integer>>> table = new ArrayList<>();
      SplittableRandom r = new SplittableRandom(7);
      for (int i = 0; i < 1024; i++) {
        List<NewChild<Integer>> kids = new ArrayList<>();
        if (r.nextInt(16) == 0) {
          kids.add(NewChild.terminal(i, r.nextBoolean() ? 1.0 : -1.0));
        } else {
          for (int k = 0; k < 4; k++) {
            kids.add(NewChild.valued(k, Math.round((r.nextDouble() * 2 - 1) * 100) / 100.0));
          }
        }
        table.add(kids);
      }
      // like the reasoning search, children deeper than maxDepth are terminal with -1 on themselves
      List<NewChild<Integer>> tooDeep = new ArrayList<>();
      for (int k = 0; k < 4; k++) {
        tooDeep.add(new NewChild<>(k, true, NewChild.Update.SELF, -1.0, 1.0));
      }
      int[] next = new int[1];
      space = (s, depth) -> depth + 1 > MAX_DEPTH ? tooDeep : table.get((next[0]++) & 1023);
    }
  }

  /** Grows a tree of {@code nodes} nodes from scratch with the reference's options. */
  @Benchmark
  public int growTree(Growth g) {
    Mcts<Integer> m = new Mcts<>(0, EngineOptions.reference(2.0, MAX_DEPTH), g.nodes + 8);
    while (m.tree().size() < g.nodes && !m.tree().terminal(0)) {
      m.run(g.space, 1);
    }
    return m.tree().size();
  }
}
