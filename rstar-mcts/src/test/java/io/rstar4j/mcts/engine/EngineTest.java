package io.rstar4j.mcts.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.mcts.engine.EngineOptions.Backup;
import io.rstar4j.mcts.engine.EngineOptions.RolloutShape;
import io.rstar4j.mcts.engine.SelectionRule.UnvisitedScore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EngineTest {

  @Test
  void uctIsTheReferenceFormula() {
    assertEquals(0.0, Selection.uct(2, 0, 0, 0), 0.0);
    assertEquals(0.0, Selection.uct(2, 5, 0, 0), 0.0, "unvisited scores exactly 0");
    assertEquals(0.5, Selection.uct(2, 0, 2, 1), 0.0, "no exploration term at N_parent = 0");
    assertEquals(1.0, Selection.uct(2, 1, 1, 1), 0.0, "ln 1 = 0");
    assertEquals(0.5 + 2 * Math.sqrt(Math.log(7) / 2), Selection.uct(2, 7, 2, 1), 0.0);
    assertEquals(
        Double.POSITIVE_INFINITY, SelectionRule.uct(2, UnvisitedScore.INFINITY).score(3, 0, 0, 1));
    assertEquals(0.25 + 1.5 * 0.5 * Math.sqrt(9) / 3, Selection.puct(1.5, 9, 2, 0.5, 0.5), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> SelectionRule.uct(-1));
    assertThrows(IllegalArgumentException.class, () -> SelectionRule.puct(Double.NaN));
  }

  /** A state space given as an explicit tree of children lists. */
  static StateSpace<String> explicit(java.util.Map<String, List<NewChild<String>>> children) {
    return (s, d) -> children.getOrDefault(s, List.of());
  }

  @Test
  void bestChildSkipsTerminalsAndTakesTheFirstOnTies() {
    Mcts<String> m = new Mcts<>("r", EngineOptions.reference(2, 16));
    Rollout<String> ro = m.startRollout();
    assertEquals(Rollout.Status.NEEDS_EXPANSION, ro.status());
    assertEquals(0, ro.node());
    ro.expand(
        List.of(
            new NewChild<>("t", true, NewChild.Update.SELF, -1, 1),
            NewChild.of("a"),
            NewChild.of("b")));
    // the terminal child is skipped; a and b tie at 0: a
    assertEquals(Rollout.Status.NEEDS_EXPANSION, ro.status());
    assertEquals("a", m.tree().state(ro.node()));
    assertEquals(1, m.tree().visits(1));
    assertEquals(0, m.tree().visits(0), "a self update does not propagate");
  }

  @Test
  void aParentWhoseChildrenAreAllTerminalBecomesTerminalWhenStepped() {
    Mcts<String> m = new Mcts<>("r", EngineOptions.reference(2, 16));
    Rollout<String> ro = m.startRollout();
    ro.expand(List.of(NewChild.of("a")));
    ro.expand(List.of(NewChild.terminal("x", 1.0), NewChild.terminal("y", -1.0)));
    assertTrue(ro.isDone());
    SearchTree<String> t = m.tree();
    assertTrue(t.terminal(1), "a became terminal right after its expansion");
    assertFalse(t.terminal(0), "the root only when a rollout steps into it");
    assertEquals(2, t.visits(0));
    assertEquals(0.0, t.valueSum(0), 0.0);
    Rollout<String> second = m.startRollout();
    assertTrue(second.isDone());
    assertTrue(t.terminal(0));
    assertThrows(IllegalStateException.class, () -> second.expand(List.of()));
  }

  @Test
  void eagerMarkingPropagatesUpAtOnce() {
    EngineOptions o =
        EngineOptions.builder().terminalMarking(EngineOptions.TerminalMarking.EAGER).build();
    Mcts<String> m = new Mcts<>("r", o);
    Rollout<String> ro = m.startRollout();
    ro.expand(List.of(NewChild.of("a")));
    ro.expand(List.of(NewChild.terminal("x", 1.0)));
    assertTrue(m.tree().terminal(0));
  }

  @Test
  void virtualLossSteersConcurrentRolloutsApart() {
    for (double vl : new double[] {0, 3}) {
      Mcts<String> m = new Mcts<>("r", EngineOptions.builder().virtualLoss(vl).build());
      Rollout<String> first = m.startRollout();
      first.expand(List.of(NewChild.of("a"), NewChild.of("b")));
      assertEquals("a", m.tree().state(first.node()));
      Rollout<String> second = m.startRollout();
      assertEquals(vl > 0 ? "b" : "a", m.tree().state(second.node()), "virtual loss " + vl);
      assertEquals(vl > 0 ? 1 : 0, m.tree().inflight(1));
      first.expand(List.of(NewChild.terminal("x", 1.0)));
      second.expand(List.of(NewChild.terminal("y", 1.0)));
      for (int n = 0; n < m.tree().size(); n++) {
        assertEquals(0, m.tree().inflight(n), "virtual loss removed when rollouts end");
      }
    }
  }

  @Test
  void randomTiesAreDeterministicUnderASeed() {
    StateSpace<Integer> wide =
        (s, d) -> {
          List<NewChild<Integer>> out = new ArrayList<>();
          for (int i = 0; i < (d < 3 ? 4 : 0); i++) {
            out.add(d == 2 ? NewChild.terminal(s * 4 + i, 0.0) : NewChild.of(s * 4 + i));
          }
          return out;
        };
    List<Integer> orders = new ArrayList<>();
    for (long seed : new long[] {7, 7, 8, 9, 10, 11}) {
      Mcts<Integer> m = new Mcts<>(1, EngineOptions.builder().randomTies(true, seed).build());
      m.run(wide, 3);
      orders.add(m.tree().state(m.tree().size() - 1));
    }
    assertEquals(orders.get(0), orders.get(1), "same seed, same tree");
    assertTrue(orders.stream().distinct().count() > 1, "different seeds explore differently");
  }

  @Test
  void banditWithAClearBestArmIsSolved() {
    double[] p = {0.2, 0.3, 0.8, 0.4, 0.25};
    Random rnd = new Random(42);
    StateSpace<Integer> bandit =
        new StateSpace<>() {
          @Override
          public List<NewChild<Integer>> expand(Integer state, int depth) {
            List<NewChild<Integer>> arms = new ArrayList<>();
            for (int i = 0; i < p.length; i++) {
              arms.add(NewChild.terminal(i, pull(i)));
            }
            return arms;
          }

          @Override
          public double evaluate(Integer arm) {
            return pull(arm);
          }

          private double pull(int arm) {
            return rnd.nextDouble() < p[arm] ? 1.0 : 0.0;
          }
        };
    EngineOptions o =
        EngineOptions.builder()
            .rule(SelectionRule.uct(0.5, UnvisitedScore.INFINITY))
            .shape(RolloutShape.SINGLE_EXPANSION)
            .revisitTerminals(true)
            .build();
    Mcts<Integer> m = new Mcts<>(-1, o);
    m.run(bandit, 2000);
    SearchTree<Integer> t = m.tree();
    int best = 0;
    for (int i = 0; i < p.length; i++) {
      if (t.visits(t.child(0, i)) > t.visits(t.child(0, best))) {
        best = i;
      }
    }
    assertEquals(2, best);
    assertTrue(t.visits(t.child(0, 2)) > 1000, "the best arm gets most pulls");
    assertEquals(p.length + 1999, t.visits(0), "every pull reached the root");
  }

  @Test
  void shallowGameTreeIsSolvedByNegamax() {
    // payoff to the first player; minimax picks row 1 (min 0.2) though row 0 has the best mean.
    double[][] payoff = {{1, -1, 1}, {0.2, 0.3, 0.4}, {0.9, -0.8, 0.5}};
    StateSpace<int[]> game =
        new StateSpace<>() {
          @Override
          public List<NewChild<int[]>> expand(int[] s, int depth) {
            List<NewChild<int[]>> out = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
              if (depth == 0) {
                out.add(NewChild.of(new int[] {i}));
              } else {
                out.add(NewChild.terminal(new int[] {s[0], i}, -payoff[s[0]][i]));
              }
            }
            return out;
          }

          @Override
          public double evaluate(int[] s) {
            return -payoff[s[0]][s[1]];
          }
        };
    EngineOptions o =
        EngineOptions.builder()
            .rule(SelectionRule.uct(1.0, UnvisitedScore.INFINITY))
            .shape(RolloutShape.SINGLE_EXPANSION)
            .revisitTerminals(true)
            .backup(Backup.NEGAMAX)
            .build();
    Mcts<int[]> m = new Mcts<>(new int[0], o);
    m.run(game, 3000);
    SearchTree<int[]> t = m.tree();
    int best = 0;
    for (int i = 1; i < 3; i++) {
      if (t.visits(t.child(0, i)) > t.visits(t.child(0, best))) {
        best = i;
      }
    }
    assertEquals(1, best);
    assertEquals(0.2, t.q(t.child(0, 1)), 0.1, "the value converges to the minimax value");
  }

  @Test
  void optionsAreValidatedEagerly() {
    assertThrows(IllegalArgumentException.class, () -> EngineOptions.builder().maxDepth(0));
    assertThrows(IllegalArgumentException.class, () -> EngineOptions.builder().virtualLoss(-1));
    assertThrows(NullPointerException.class, () -> EngineOptions.builder().rule(null));
    assertThrows(IllegalArgumentException.class, () -> NewChild.valued("x", Double.NaN));
  }
}
