package io.rstar4j.mcts.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Invariants of the engine over random state spaces and random options. */
class EnginePropertiesTest {

  /** A state: an id that seeds its expansion, and the update it was created with. */
  record S(long id, NewChild.Update update, double value) {}

  /** A random state space: branching 0-4, random terminals, updates and values in [-1, 1]. */
  static StateSpace<S> randomSpace(long seed) {
    return (s, depth) -> {
      SplittableRandom r = new SplittableRandom(seed * 31 + s.id());
      int k = depth >= 6 ? r.nextInt(3) : r.nextInt(5);
      List<NewChild<S>> out = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        boolean terminal = depth >= 5 || r.nextInt(4) == 0;
        NewChild.Update u = NewChild.Update.values()[r.nextInt(3)];
        if (terminal && u == NewChild.Update.NONE) {
          u = NewChild.Update.BACKPROP;
        }
        double v = Math.round((r.nextDouble() * 2 - 1) * 100) / 100.0;
        out.add(new NewChild<>(new S(r.nextLong(), u, v), terminal, u, v, 1.0));
      }
      return out;
    };
  }

  static EngineOptions options(int flags, long seed) {
    return EngineOptions.builder()
        .maxDepth(1 + (flags & 7))
        .rule(
            (flags & 8) == 0
                ? SelectionRule.uct(2)
                : SelectionRule.uct(2, SelectionRule.UnvisitedScore.INFINITY))
        .terminalMarking(
            (flags & 16) == 0
                ? EngineOptions.TerminalMarking.LAZY
                : EngineOptions.TerminalMarking.EAGER)
        .emptyExpansion(
            (flags & 32) == 0
                ? EngineOptions.EmptyExpansion.FREEZE
                : EngineOptions.EmptyExpansion.TERMINATE)
        .shape(
            (flags & 64) == 0
                ? EngineOptions.RolloutShape.DEEP
                : EngineOptions.RolloutShape.SINGLE_EXPANSION)
        .randomTies((flags & 128) != 0, seed)
        .build();
  }

  /** Runs rollouts, checking at every pause that no terminal node is about to be expanded. */
  static Mcts<S> search(long seed, int flags, int rollouts) {
    Mcts<S> m = new Mcts<>(new S(seed, NewChild.Update.NONE, 0), options(flags, seed));
    StateSpace<S> space = randomSpace(seed);
    for (int r = 0; r < rollouts; r++) {
      Rollout<S> ro = m.startRollout();
      while (!ro.isDone()) {
        int n = ro.node();
        assertFalse(m.tree().terminal(n), "a terminal node was selected for expansion");
        ro.expand(space.expand(m.tree().state(n), m.tree().depth(n)));
      }
    }
    return m;
  }

  @Test
  void visitCountsAndValueSumsAddUp() {
    qt().withExamples(200)
        .forAll(longs().all(), integers().between(0, 255), integers().between(1, 40))
        .checkAssert(
            (seed, flags, rollouts) -> {
              SearchTree<S> t = search(seed, flags, rollouts).tree();
              for (int n = 0; n < t.size(); n++) {
                S s = t.state(n);
                int own = n == 0 || s.update() == NewChild.Update.NONE ? 0 : 1;
                double ownValue = own == 0 ? 0 : s.value();
                int visits = own;
                double sum = ownValue;
                for (int i = 0; i < t.childCount(n); i++) {
                  int c = t.child(n, i);
                  boolean self = t.state(c).update() == NewChild.Update.SELF;
                  visits += t.visits(c) - (self ? 1 : 0);
                  sum += t.valueSum(c) - (self ? t.state(c).value() : 0);
                }
                assertEquals(visits, t.visits(n), "visits at node " + n);
                assertEquals(sum, t.valueSum(n), 1e-9, "value sum at node " + n);
              }
            });
  }

  @Test
  void qStaysWithinMinusOneAndOne() {
    qt().withExamples(200)
        .forAll(longs().all(), integers().between(0, 255), integers().between(1, 40))
        .checkAssert(
            (seed, flags, rollouts) -> {
              SearchTree<S> t = search(seed, flags, rollouts).tree();
              for (int n = 0; n < t.size(); n++) {
                assertTrue(t.q(n) >= -1 - 1e-12 && t.q(n) <= 1 + 1e-12, "Q " + t.q(n));
              }
            });
  }

  @Test
  void noTerminalIsEverTheBestChild() {
    qt().withExamples(200)
        .forAll(longs().all(), integers().between(0, 255), integers().between(1, 40))
        .checkAssert(
            (seed, flags, rollouts) -> {
              Mcts<S> m = search(seed, flags, rollouts);
              for (int n = 0; n < m.tree().size(); n++) {
                int b = m.bestChild(n);
                assertTrue(b == SearchTree.NONE || !m.tree().terminal(b));
              }
            });
  }

  @Test
  void theSameSeedGivesTheSameTree() {
    qt().withExamples(100)
        .forAll(longs().all(), integers().between(0, 255), booleans().all())
        .checkAssert(
            (seed, flags, ties) -> {
              int f = ties ? flags | 128 : flags & ~128;
              SearchTree<S> a = search(seed, f, 25).tree();
              SearchTree<S> b = search(seed, f, 25).tree();
              assertEquals(a.size(), b.size());
              for (int n = 0; n < a.size(); n++) {
                assertEquals(a.parent(n), b.parent(n));
                assertEquals(a.visits(n), b.visits(n));
                assertEquals(a.valueSum(n), b.valueSum(n), 0.0);
                assertEquals(a.terminal(n), b.terminal(n));
                assertEquals(a.state(n), b.state(n));
              }
            });
  }
}
