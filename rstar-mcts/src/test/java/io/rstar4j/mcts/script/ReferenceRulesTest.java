package io.rstar4j.mcts.script;

import static io.rstar4j.mcts.script.Scripts.answer;
import static io.rstar4j.mcts.script.Scripts.byPath;
import static io.rstar4j.mcts.script.Scripts.codeEnd;
import static io.rstar4j.mcts.script.Scripts.error;
import static io.rstar4j.mcts.script.Scripts.leafStep;
import static io.rstar4j.mcts.script.Scripts.run;
import static io.rstar4j.mcts.script.Scripts.script;
import static io.rstar4j.mcts.script.Scripts.step;
import static io.rstar4j.mcts.script.Scripts.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.tree.NodeKind;
import io.rstar4j.core.tree.ReasoningNode;
import io.rstar4j.core.tree.ReasoningTree;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.mcts.SearchResult;
import io.rstar4j.mcts.engine.EngineOptions;
import io.rstar4j.mcts.engine.SelectionRule;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One small script per rule of the golden-tree README. */
class ReferenceRulesTest {

  private static void assertNode(
      Map<List<Integer>, GoldenTrees.Entry> m,
      List<Integer> path,
      int visits,
      double valueSum,
      boolean terminal) {
    GoldenTrees.Entry e = m.get(path);
    assertTrue(e != null, "no node at " + path + " in " + m.keySet());
    assertEquals(visits, e.visits(), "visits at " + path);
    assertEquals(valueSum, e.valueSum(), 1e-12, "valueSum at " + path);
    assertEquals(terminal, e.terminal(), "terminal at " + path);
  }

  private static ScriptedProblem sp(String json) {
    return ScriptedProblem.parse(json);
  }

  @Test
  void tiesGoToTheFirstChildAndUnvisitedScoresZero() {
    // A leads to a correct answer two levels down; B would too, one level down.
    String s =
        script(
            "terminal-guided",
            2,
            16,
            1,
            step(0, step(0, answer("42", 0))),
            step(0, answer("42", 0)));
    Map<List<Integer>, GoldenTrees.Entry> m = byPath(run(sp(s)));
    // rollout 1: A and B tie at 0 -> A; rollout 2: A scores 1 + 2*sqrt(ln 1 / 1) = 1 > 0 = B.
    assertNode(m, List.of(), 1, 1.0, false);
    assertNode(m, List.of(0), 1, 1.0, true); // marked lazily by rollout 2
    assertNode(m, List.of(1), 0, 0.0, false);
    assertEquals(5, m.size(), "B was never expanded");
  }

  @Test
  void unvisitedInfinityIsANamedOption() {
    String s =
        script(
            "terminal-guided",
            2,
            16,
            1,
            step(0, step(0, answer("42", 0))),
            step(0, answer("42", 0)));
    ScriptedProblem p = sp(s);
    SearchConfig cfg =
        p.config().toBuilder()
            .engine(
                p.config().engine().toBuilder()
                    .rule(SelectionRule.uct(2.0, SelectionRule.UnvisitedScore.INFINITY))
                    .build())
            .build();
    Map<List<Integer>, GoldenTrees.Entry> m = byPath(run(p, cfg, new Scripts.Calls()));
    assertNode(m, List.of(1), 1, 1.0, true);
    assertNode(m, List.of(1, 0), 1, 1.0, true);
    assertNode(m, List.of(), 2, 2.0, false);
  }

  @Test
  void duplicatesAcrossStopStringsAreDropped() {
    String body = "<code>\nx = 5\n";
    String s =
        script(
            "terminal-guided",
            1,
            1,
            1,
            text(body + "<end_of_step>", 0),
            text(body + "<end_of_code>", 0),
            text("<code>\nx = 6\n<end_of_step>", 0),
            text(body + "<end_of_step>", 0));
    SearchResult r = run(sp(s));
    ReasoningTree t = r.tree();
    assertEquals(2, t.childCount(0));
    assertEquals(body + "<end_of_step>", t.node(t.child(0, 0)).text());
    assertEquals("<code>\nx = 6\n<end_of_step>", t.node(t.child(0, 1)).text());
  }

  @Test
  void theAnswerRuleKeepsOnlyTheFirstAnswerAndDropsCodeSteps() {
    String s =
        script(
            "terminal-guided",
            3,
            16,
            1,
            step(0, answer("42", 0)),
            answer("41", 0),
            answer("42", 0),
            codeEnd("7", 0));
    Scripts.Calls calls = new Scripts.Calls();
    SearchResult r = run(sp(s), sp(s).config(), calls);
    Map<List<Integer>, GoldenTrees.Entry> m = byPath(r);
    assertEquals(2, m.size());
    assertNode(m, List.of(0), 1, -1.0, true);
    assertNode(m, List.of(), 1, -1.0, true); // every child terminal: root terminal at once
    ReasoningNode first = r.tree().node(r.tree().child(0, 0));
    assertEquals(NodeKind.ANSWER, first.kind());
    assertEquals(Optional.of("41"), first.answer());
    assertEquals(1, calls.policyCalls.get(), "a terminal root ends every later rollout at once");
  }

  @Test
  void errorThresholdOneMakesTheErrorTerminalOnItselfOnly() {
    String s = script("terminal-guided", 1, 1, 1, error(0, answer("42", 0)), step(0));
    SearchResult r = run(sp(s));
    Map<List<Integer>, GoldenTrees.Entry> m = byPath(r);
    assertNode(m, List.of(0), 1, -1.0, true);
    assertNode(m, List.of(), 0, 0.0, false);
    ReasoningNode err = at(r, 0);
    assertEquals(NodeKind.CODE_ERROR, err.kind());
    assertTrue(
        err.text()
            .endsWith(
                "<end_of_step><end_of_code>\n<output>"
                    + ScriptedProblem.ERROR_TEXT
                    + "<end_of_output>"),
        err.text());
  }

  @Test
  void errorThresholdTwoCountsConsecutiveErrors() {
    // error -> error: terminal at the second; error -> ok -> error: the count restarts.
    String s =
        script(
            "terminal-guided",
            4,
            16,
            2,
            error(0, error(0, answer("42", 0)), codeEnd("5", 0, error(0, answer("42", 0)))));
    SearchResult r = run(sp(s));
    Map<List<Integer>, GoldenTrees.Entry> m = byPath(r);
    ReasoningNode first = at(r, 0);
    assertEquals(NodeKind.STEP, first.kind());
    assertFalse(first.text().contains("<output>"), "no output after <end_of_step>");
    assertEquals(NodeKind.CODE_ERROR, at(r, 0, 0).kind());
    assertNode(m, List.of(0, 0), 1, -1.0, true);
    ReasoningNode second = at(r, 0, 1);
    assertEquals(NodeKind.STEP, second.kind());
    assertTrue(second.text().endsWith("\n<output>5<end_of_output>"));
    assertEquals(NodeKind.STEP, at(r, 0, 1, 0).kind(), "the count restarted after 5");
  }

  @Test
  void doubleWrappedErrorTextAfterEndOfCode() {
    String s =
        script(
            "terminal-guided",
            1,
            1,
            1,
            Scripts.node("<code>\nv = w + 1\nprint(v)\n<end_of_code>", "", true, 0));
    ReasoningNode n = at(run(sp(s)), 0);
    assertEquals(
        "<code>\nv = w + 1\nprint(v)\n<end_of_code>\n<output><output>"
            + ScriptedProblem.ERROR_TEXT
            + "<end_of_output><end_of_output>",
        n.text());
  }

  @Test
  void tooDeepNodesAreTerminalWithMinusOneOnThemselves() {
    // maxDepth 2: rollout 1 creates depths 1-2, rollout 2 creates depth 3 (too deep).
    String s = script("terminal-guided", 2, 2, 1, step(0, step(0, step(0, answer("42", 0)))));
    SearchResult r = run(sp(s));
    Map<List<Integer>, GoldenTrees.Entry> m = byPath(r);
    assertNode(m, List.of(0, 0, 0), 1, -1.0, true);
    assertNode(m, List.of(0, 0), 0, 0.0, true);
    assertNode(m, List.of(0), 0, 0.0, false);
    assertNode(m, List.of(), 0, 0.0, false);
    assertEquals(NodeKind.TOO_DEEP, at(r, 0, 0, 0).kind());
  }

  @Test
  void childlessNodesFreezeTheSearch() {
    String s = script("terminal-guided", 3, 4, 1, leafStep(0), step(0, answer("42", 0)));
    Scripts.Calls calls = new Scripts.Calls();
    ScriptedProblem p = sp(s);
    Map<List<Integer>, GoldenTrees.Entry> m = byPath(run(p, p.config(), calls));
    // 1 (root) + 3 (A re-expanded in rollout 1) + 2 x 4 (rollouts 2 and 3 repeat A)
    assertEquals(12, calls.policyCalls.get());
    assertNode(m, List.of(0), 0, 0.0, false);
    assertNode(m, List.of(1), 0, 0.0, false);
    assertEquals(3, m.size());

    SearchConfig better =
        p.config().toBuilder()
            .engine(
                p.config().engine().toBuilder()
                    .emptyExpansion(EngineOptions.EmptyExpansion.TERMINATE)
                    .build())
            .build();
    Map<List<Integer>, GoldenTrees.Entry> m2 = byPath(run(p, better, new Scripts.Calls()));
    assertNode(m2, List.of(0), 0, 0.0, true);
    assertNode(m2, List.of(1, 0), 1, 1.0, true);
  }

  @Test
  void terminalMarkingIsLazyByDefaultAndEagerOnRequest() {
    String s = script("terminal-guided", 1, 16, 1, step(0, answer("42", 0)));
    ScriptedProblem p = sp(s);
    Map<List<Integer>, GoldenTrees.Entry> lazy = byPath(run(p));
    assertNode(lazy, List.of(0), 1, 1.0, true);
    assertNode(lazy, List.of(), 1, 1.0, false);
    SearchConfig eager =
        p.config().toBuilder()
            .engine(
                p.config().engine().toBuilder()
                    .terminalMarking(EngineOptions.TerminalMarking.EAGER)
                    .build())
            .build();
    Map<List<Integer>, GoldenTrees.Entry> m = byPath(run(p, eager, new Scripts.Calls()));
    assertNode(m, List.of(), 1, 1.0, true);
  }

  @Test
  void ppmInitialisationUpdatesTheNodeOnly() {
    String s = script("ppm-augmented", 1, 1, 1, step(0.5, answer("42", 0.7)), step(-0.3));
    Scripts.Calls calls = new Scripts.Calls();
    ScriptedProblem p = sp(s);
    Map<List<Integer>, GoldenTrees.Entry> m = byPath(run(p, p.config(), calls));
    assertNode(m, List.of(), 0, 0.0, false);
    assertNode(m, List.of(0), 1, 0.5, false);
    assertNode(m, List.of(1), 1, -0.3, false);
    assertEquals(2, calls.rewardRequests.get());
  }

  @Test
  void ppmAugmentedAnswersAreCheckedNotScored() {
    String s = script("ppm-augmented", 1, 16, 1, step(0.5, answer("42", 0.7)));
    Scripts.Calls calls = new Scripts.Calls();
    ScriptedProblem p = sp(s);
    Map<List<Integer>, GoldenTrees.Entry> m = byPath(run(p, p.config(), calls));
    assertNode(m, List.of(0, 0), 1, 1.0, true);
    assertNode(m, List.of(0), 2, 1.5, true);
    assertNode(m, List.of(), 1, 1.0, false);
    assertEquals(1, calls.rewardRequests.get(), "only the step is scored");
  }

  @Test
  void testTimeAnswersPropagateTheirScore() {
    String s = script("test-time", 1, 16, 1, step(0.2, answer("17", 0.6)));
    SearchResult r = run(sp(s));
    Map<List<Integer>, GoldenTrees.Entry> m = byPath(r);
    assertNode(m, List.of(0, 0), 1, 0.6, true);
    assertNode(m, List.of(0), 2, 0.8, true);
    assertNode(m, List.of(), 1, 0.6, false);
    assertEquals("17", r.bestAnswer().orElseThrow().answer());
    assertEquals(0.6, r.bestAnswer().orElseThrow().score(), 1e-12);
  }

  @Test
  void goldCheckIgnoresWhitespace() {
    String s = script("terminal-guided", 1, 16, 1, answer(" 4 2 ", 0));
    Map<List<Integer>, GoldenTrees.Entry> m = byPath(run(sp(s)));
    assertNode(m, List.of(0), 1, 1.0, true);
  }

  @Test
  void anAnswerTagWithoutBoxedIsAStepNotAnAnswer() {
    // the answer rule goes by the stop string, the answer test by "boxed": this one survives the
    // rule alone, is run like a code step and, having no scripted children, freezes the search
    String s =
        script(
            "ppm-augmented",
            2,
            3,
            1,
            step(0.4),
            text("<answer>I give up<end_of_answer>", 0.25),
            answer("42", 0.9));
    Scripts.Calls calls = new Scripts.Calls();
    ScriptedProblem p = sp(s);
    SearchResult r = run(p, p.config(), calls);
    Map<List<Integer>, GoldenTrees.Entry> m = byPath(r);
    assertEquals(2, m.size());
    assertNode(m, List.of(0), 1, 0.25, false);
    assertNode(m, List.of(), 0, 0.0, false);
    assertEquals(NodeKind.STEP, at(r, 0).kind());
    assertEquals("<answer>I give up<end_of_answer>", at(r, 0).text());
    assertEquals(3 + 3, calls.policyCalls.get(), "root + 2 re-expansions, then 3 in rollout 2");
  }

  /** The node at a path of child positions. */
  static ReasoningNode at(SearchResult r, int... path) {
    ReasoningTree t = r.tree();
    int n = 0;
    for (int k : path) {
      n = t.child(n, k);
    }
    return t.node(n);
  }
}
