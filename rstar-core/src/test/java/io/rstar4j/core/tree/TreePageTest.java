package io.rstar4j.core.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.Problem;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tree page: escaping, its data, and (with Debian's chromium) that it renders every node. */
class TreePageTest {
  static final String HOSTILE = "x = 1</script><img src=x onerror=alert(1)>&amp;\"'";

  /** A random tree of n nodes in pre-order, with every node kind and hostile text. */
  static ReasoningTree tree(int n, long seed) {
    Random rnd = new Random(seed);
    List<ReasoningNode> nodes = new ArrayList<>();
    nodes.add(ReasoningNode.root(n, 0.5, false));
    List<Integer> path = new ArrayList<>(List.of(0));
    for (int i = 1; i < n; i++) {
      // climb a random number of levels, never above the root, then add a child
      int up = rnd.nextInt(Math.min(path.size(), 3));
      for (int k = 0; k < up; k++) {
        path.remove(path.size() - 1);
      }
      int parent = path.get(path.size() - 1);
      boolean leaf = rnd.nextInt(4) == 0 || path.size() > 30;
      ReasoningNode node;
      if (leaf && rnd.nextBoolean()) {
        String a = rnd.nextBoolean() ? "42" : "<b>7</b>";
        node = ReasoningNode.answer(parent, "The answer is \\boxed{" + a + "}", a, 1, 1.0, true);
      } else if (leaf) {
        NodeKind k =
            List.of(NodeKind.CODE_ERROR, NodeKind.TOO_DEEP, NodeKind.UNPARSABLE)
                .get(rnd.nextInt(3));
        node = ReasoningNode.step(parent, "step " + i + " " + HOSTILE, k, 1, -1.0, true);
      } else {
        node =
            ReasoningNode.step(
                parent,
                "step " + i + "\nprint(" + i + ")<end_of_code>\n<output>" + i + "<end_of_output>",
                NodeKind.STEP,
                2,
                0.2,
                false);
      }
      nodes.add(node);
      if (!leaf) {
        path.add(i);
      }
    }
    return ReasoningTree.of(new Problem("p<1>", "What is " + HOSTILE + "?", List.of("42")), nodes);
  }

  @Test
  void untrustedTextNeverReachesTheMarkup() {
    String html =
        TreePage.builder("tree of " + HOSTILE)
            .add(tree(50, 1), null, -1, AnswerGrader.whitespaceInsensitive())
            .build()
            .html();
    assertFalse(html.contains("<img"), "no raw tag from the tree text");
    assertEquals(2, count(html, "</script>"), "only the page's own two script elements end");
    assertTrue(html.contains("<title>tree of x = 1&lt;/script&gt;&lt;img"), "the title is escaped");
    assertFalse(html.contains("http://") || html.contains("https://"), "no network address");
  }

  @Test
  void outputsSplitFromTheirSteps() {
    assertArrayEquals(
        new String[] {"print(1)<end_of_code>", "1\n"},
        TreePage.splitOutput("print(1)<end_of_code>\n<output>1\n<end_of_output>"));
    assertArrayEquals(
        new String[] {"x<end_of_code>", "Error"},
        TreePage.splitOutput(
            "x<end_of_code>\n<output><output>Error<end_of_output><end_of_output>"));
    assertArrayEquals(new String[] {"a = 1", ""}, TreePage.splitOutput("a = 1"));
  }

  @Test
  void theChosenLeafDefaultsToTheBestAnswerAndArgumentsAreChecked() {
    ReasoningTree t = tree(200, 3);
    int best = TreePage.bestAnswer(t);
    assertEquals(NodeKind.ANSWER, t.node(best).kind());
    for (int i = 0; i < t.size(); i++) {
      assertTrue(t.node(i).q() <= t.node(best).q() || t.node(i).kind() != NodeKind.ANSWER);
    }
    TreePage.Builder b = TreePage.builder("t");
    assertThrows(
        IllegalArgumentException.class,
        () -> b.add(t, new double[3], -1, AnswerGrader.whitespaceInsensitive()));
    assertThrows(
        IllegalArgumentException.class,
        () -> b.add(t, null, t.size(), AnswerGrader.whitespaceInsensitive()));
    assertThrows(IllegalStateException.class, b::build);
  }

  @Test
  void chromiumRendersEveryNodeOfTenThousandWithoutErrors(@TempDir Path dir) throws Exception {
    String chromium = chromium();
    ReasoningTree big = tree(10_000, 7);
    ReasoningTree small = tree(300, 8);
    double[] ppm = new double[small.size()];
    for (int i = 0; i < ppm.length; i++) {
      ppm[i] = i % 7 == 0 ? Double.NaN : Math.sin(i);
    }
    Path page = dir.resolve("trees.html");
    String keep = System.getProperty("treepage.keep");
    TreePage.builder("trees")
        .add(big, null, -1, AnswerGrader.whitespaceInsensitive())
        .add(small, ppm, small.size() - 1, AnswerGrader.whitespaceInsensitive())
        .build()
        .write(page);
    if (keep != null) {
      Files.copy(page, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    try (var files = Files.list(dir)) {
      assertEquals(List.of(page), files.toList(), "no temporary file left behind");
    }
    // #all renders every node; the page writes its counts and any script error into #status
    String dom = dump(chromium, page, "#all", dir);
    Matcher m =
        Pattern.compile(
                "id=\"status\" data-nodes=\"(\\d+)\" data-rendered=\"(\\d+)\" data-errors=\"(\\d+)\"")
            .matcher(dom);
    assertTrue(m.find(), "the page reports its status: " + tail(dom));
    assertEquals(String.valueOf(big.size() + small.size()), m.group(1));
    assertEquals(m.group(1), m.group(2), "every node is rendered with #all");
    assertEquals("0", m.group(3), "no script or console errors");
    assertFalse(dom.contains("<img"), "the hostile text stays text");
    assertTrue(dom.contains("&lt;img src=x onerror=alert(1)&gt;"), "and is shown");
    // without #all only the root's children and the chosen paths are rendered
    String lazy = dump(chromium, page, "", dir);
    Matcher l = Pattern.compile("data-rendered=\"(\\d+)\" data-errors=\"0\"").matcher(lazy);
    assertTrue(l.find(), tail(lazy));
    assertTrue(Integer.parseInt(l.group(1)) < big.size() / 4, "lazy: " + l.group(1));
  }

  private static String dump(String chromium, Path page, String hash, Path dir) throws Exception {
    Path out = dir.resolve("dom" + hash.length() + ".html");
    Path err = dir.resolve("err" + hash.length() + ".txt");
    Process p =
        new ProcessBuilder(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--user-data-dir=" + dir.resolve("profile" + hash.length()),
                "--enable-logging=stderr",
                "--v=0",
                "--dump-dom",
                page.toUri() + hash)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("chromium did not finish in 120 s");
    }
    String log = Files.readString(err, StandardCharsets.UTF_8);
    for (String line : log.split("\n")) {
      if (line.contains("CONSOLE") && (line.contains("Uncaught") || line.contains("Error"))) {
        fail("console error: " + line);
      }
    }
    assertEquals(0, p.exitValue(), "chromium failed: " + log);
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private static String tail(String s) {
    return s.length() < 600 ? s : s.substring(s.length() - 600);
  }

  /** Debian's chromium on the PATH; skips (fails in CI) without it. */
  static String chromium() {
    for (String name : List.of("chromium", "chromium-browser")) {
      for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
          return Path.of(d, name).toString();
        }
      }
    }
    String message =
        "chromium is not installed (the tree page test needs it): bash .ci/install.d/40-chromium.sh";
    if (System.getenv("CI") != null) {
      fail(message);
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  private static int count(String s, String sub) {
    int n = 0;
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
      n++;
    }
    return n;
  }
}
