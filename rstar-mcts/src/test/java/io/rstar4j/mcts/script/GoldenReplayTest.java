package io.rstar4j.mcts.script;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rstar4j.mcts.SearchResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GoldenReplayTest {

  static String resource(String name) throws IOException {
    try (InputStream in = GoldenReplayTest.class.getResourceAsStream("/golden-trees/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static SearchResult replay(ScriptedProblem sp) {
    return sp.replay();
  }

  static void assertSameTree(List<GoldenTrees.Entry> expected, List<GoldenTrees.Entry> actual) {
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      GoldenTrees.Entry e = expected.get(i);
      GoldenTrees.Entry a = actual.get(i);
      assertEquals(e.path(), a.path(), "path of node " + i);
      assertEquals(e.visits(), a.visits(), "visits at " + e.path());
      assertEquals(e.terminal(), a.terminal(), "terminal at " + e.path());
      assertEquals(e.valueSum(), a.valueSum(), 1e-9, "valueSum at " + e.path());
    }
    assertEquals(expected.size(), actual.size(), "node count");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"example-1-terminal-guided", "example-2-ppm-augmented", "example-3-test-time"})
  void reproducesTheReferenceTree(String name) throws IOException {
    ScriptedProblem sp = ScriptedProblem.parse(resource(name + ".script.json"));
    SearchResult r = replay(sp);
    List<GoldenTrees.Entry> golden = GoldenTrees.parse(resource(name + ".golden.json"));
    assertSameTree(golden, GoldenTrees.entries(r.tree()));
  }
}
