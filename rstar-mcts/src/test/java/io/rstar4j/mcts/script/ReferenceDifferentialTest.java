package io.rstar4j.mcts.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test: random golden-tree scripts replayed by the project's search and by a second,
 * independent implementation of golden-trees/README.md's semantics written in Python ({@code
 * xcheck/ref.py}, which reproduces the three reference goldens). Every node (path, visits,
 * terminal, value sum within 1e-9) must agree. Skipped where no {@code python3} is on the PATH.
 */
class ReferenceDifferentialTest {

  private static final int SCRIPTS = 300;

  @TempDir Path dir;

  @Test
  void randomScriptsAgreeWithAnIndependentImplementation() throws Exception {
    assumeTrue(python3Works(), "python3 is not available");
    Path gen = copy("gen.py");
    Path ref = copy("ref.py");
    run(List.of("python3", gen.toString(), "0", String.valueOf(SCRIPTS), dir.toString()));
    List<String> cmd = new ArrayList<>(List.of("python3", ref.toString()));
    List<Path> scripts = new ArrayList<>();
    for (int i = 0; i < SCRIPTS; i++) {
      Path p = dir.resolve(i + ".script.json");
      scripts.add(p);
      cmd.add(p.toString());
    }
    List<String> lines = run(cmd);
    assertEquals(SCRIPTS, lines.size());
    int nodes = 0;
    for (int i = 0; i < SCRIPTS; i++) {
      JsonObject want = JsonParser.parseString(lines.get(i)).getAsJsonObject();
      assertEquals(scripts.get(i).toString(), want.get("file").getAsString());
      List<GoldenTrees.Entry> got =
          GoldenTrees.entries(ScriptedProblem.read(scripts.get(i)).replay().tree());
      List<JsonElement> expected = want.getAsJsonArray("nodes").asList();
      String where = "script " + i + " (seed " + i + " of xcheck/gen.py)";
      assertEquals(expected.size(), got.size(), where + ": node count");
      for (int k = 0; k < got.size(); k++) {
        JsonObject w = expected.get(k).getAsJsonObject();
        GoldenTrees.Entry g = got.get(k);
        List<Integer> path = new ArrayList<>();
        w.getAsJsonArray("path").forEach(e -> path.add(e.getAsInt()));
        assertEquals(path, g.path(), where + ": path of node " + k);
        assertEquals(w.get("visits").getAsInt(), g.visits(), where + " " + path + ": visits");
        assertEquals(
            w.get("terminal").getAsBoolean(), g.terminal(), where + " " + path + ": terminal");
        assertEquals(
            w.get("valueSum").getAsDouble(), g.valueSum(), 1e-9, where + " " + path + ": W");
      }
      nodes += got.size();
    }
    // Not vacuous: the random scripts grow real trees.
    assertEquals(true, nodes > SCRIPTS * 3, "only " + nodes + " nodes in " + SCRIPTS + " trees");
  }

  private Path copy(String name) throws IOException {
    Path out = dir.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("/xcheck/" + name)) {
      Files.copy(in, out);
    }
    return out;
  }

  private static boolean python3Works() {
    try {
      Process p = new ProcessBuilder("python3", "-c", "print(1)").redirectErrorStream(true).start();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static List<String> run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assumeTrue(p.waitFor(120, TimeUnit.SECONDS), "python3 did not finish");
    assertEquals(0, p.exitValue(), String.join(" ", cmd.subList(0, 2)) + " failed:\n" + out);
    List<String> lines = new ArrayList<>();
    for (String l : out.split("\n")) {
      if (!l.isBlank()) {
        lines.add(l);
      }
    }
    return lines;
  }
}
