package io.rstar4j.core.tree;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.StepFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The tree page: one self-contained HTML file (inline CSS and JavaScript, no network access, a
 * content security policy that forbids any) showing search trees with collapsible nodes. Each node
 * shows its Q, visits, PPM score (when given), the step's code and its executed output; terminal
 * correct, wrong, error and pruned nodes have their colours; the chosen path is highlighted; a
 * search box finds steps by text. Children are rendered only when their parent is opened (in chunks
 * of 200), so trees of 10^4 nodes stay responsive. Opening the page as {@code FILE#all} renders
 * every node.
 *
 * <p>All tree text is untrusted: it reaches the page as JSON inside a script element (with {@code
 * <}, {@code >}, {@code &} escaped) and is put into the document as text only.
 */
public final class TreePage {
  private static final Gson GSON = new GsonBuilder().serializeNulls().create();
  private final String title;
  private final List<Entry> entries;

  private TreePage(String title, List<Entry> entries) {
    this.title = title;
    this.entries = List.copyOf(entries);
  }

  /** One tree on the page: its node scores (or null), its chosen leaf and its answers' grades. */
  private record Entry(ReasoningTree tree, double[] ppm, int chosen, Boolean[] correct) {}

  /**
   * A builder of a page with the given title.
   *
   * @throws NullPointerException if title is null
   */
  public static Builder builder(String title) {
    return new Builder(Objects.requireNonNull(title, "title"));
  }

  /** Builder of {@link TreePage}: add trees in the order the page lists them. */
  public static final class Builder {
    private final String title;
    private final List<Entry> entries = new ArrayList<>();

    private Builder(String title) {
      this.title = title;
    }

    /**
     * Adds a tree.
     *
     * @param tree the tree; its problem's gold answers (if any) grade its answer nodes
     * @param ppmScores each node's PPM score by index (NaN where unknown), or null for none
     * @param chosenLeaf the leaf of the chosen path, or -1 for the answer node with the highest Q
     *     (the first in pre-order on ties; none when the tree has no answer)
     * @param grader grades answer nodes against the problem's gold answers
     * @throws NullPointerException if tree or grader is null
     * @throws IllegalArgumentException if ppmScores has not one score per node or chosenLeaf is no
     *     node
     */
    public Builder add(
        ReasoningTree tree, double[] ppmScores, int chosenLeaf, AnswerGrader grader) {
      Objects.requireNonNull(tree, "tree");
      Objects.requireNonNull(grader, "grader");
      if (ppmScores != null && ppmScores.length != tree.size()) {
        throw new IllegalArgumentException(
            "ppmScores has " + ppmScores.length + " scores for " + tree.size() + " nodes");
      }
      if (chosenLeaf < -1 || chosenLeaf >= tree.size()) {
        throw new IllegalArgumentException(
            "chosenLeaf " + chosenLeaf + " is no node of a tree of " + tree.size());
      }
      int chosen = chosenLeaf >= 0 ? chosenLeaf : bestAnswer(tree);
      Boolean[] correct = new Boolean[tree.size()];
      for (int i = 0; i < tree.size(); i++) {
        ReasoningNode n = tree.node(i);
        if (n.answer().isPresent() && tree.problem().hasGold()) {
          correct[i] = grader.matchesAny(n.answer().get(), tree.problem().goldAnswers());
        }
      }
      entries.add(new Entry(tree, ppmScores == null ? null : ppmScores.clone(), chosen, correct));
      return this;
    }

    /**
     * The page.
     *
     * @throws IllegalStateException if no tree was added
     */
    public TreePage build() {
      if (entries.isEmpty()) {
        throw new IllegalStateException("a tree page needs at least one tree");
      }
      return new TreePage(title, entries);
    }
  }

  /** The answer node with the highest Q, the first in pre-order on ties; -1 without one. */
  static int bestAnswer(ReasoningTree tree) {
    int best = -1;
    for (int i = 0; i < tree.size(); i++) {
      ReasoningNode n = tree.node(i);
      if (n.kind() == NodeKind.ANSWER && (best < 0 || n.q() > tree.node(best).q())) {
        best = i;
      }
    }
    return best;
  }

  /** The page's HTML. */
  public String html() {
    String template;
    try (InputStream in = TreePage.class.getResourceAsStream("tree-page.html")) {
      if (in == null) {
        throw new IllegalStateException("tree-page.html is missing from rstar-core");
      }
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JsonArray trees = new JsonArray();
    for (Entry e : entries) {
      trees.add(json(e));
    }
    JsonObject data = new JsonObject();
    data.add("trees", trees);
    // Gson escapes <, >, &, = and ' as \\uXXXX: no "</script>" can appear in the data
    String json = GSON.toJson(data);
    return template.replace("@@TITLE@@", escapeHtml(title)).replace("@@DATA@@", json);
  }

  /**
   * Writes the page atomically (a temporary file in the same directory, then a rename).
   *
   * @throws IOException if the file cannot be written
   */
  public void write(Path file) throws IOException {
    Path abs = file.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, html(), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (java.nio.file.AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static JsonObject json(Entry e) {
    ReasoningTree t = e.tree();
    JsonArray parent = new JsonArray();
    JsonArray kind = new JsonArray();
    JsonArray q = new JsonArray();
    JsonArray visits = new JsonArray();
    JsonArray ppm = new JsonArray();
    JsonArray terminal = new JsonArray();
    JsonArray answer = new JsonArray();
    JsonArray correct = new JsonArray();
    JsonArray text = new JsonArray();
    JsonArray code = new JsonArray();
    JsonArray output = new JsonArray();
    for (int i = 0; i < t.size(); i++) {
      ReasoningNode n = t.node(i);
      parent.add(n.parent());
      kind.add(n.kind().jsonName());
      q.add(finite(n.q()));
      visits.add(n.visits());
      ppm.add(e.ppm() == null ? JsonNull.INSTANCE : finite(e.ppm()[i]));
      terminal.add(n.terminal());
      answer.add(
          n.answer()
              .<com.google.gson.JsonElement>map(JsonPrimitive::new)
              .orElse(JsonNull.INSTANCE));
      correct.add(e.correct()[i] == null ? JsonNull.INSTANCE : new JsonPrimitive(e.correct()[i]));
      text.add(n.text());
      String[] split = splitOutput(n.text());
      code.add(split[0]);
      output.add(split[1]);
    }
    JsonObject o = new JsonObject();
    o.addProperty("id", t.problem().id());
    o.addProperty("question", t.problem().question());
    o.addProperty("chosen", e.chosen());
    o.add("parent", parent);
    o.add("kind", kind);
    o.add("q", q);
    o.add("visits", visits);
    o.add("ppm", ppm);
    o.add("terminal", terminal);
    o.add("answer", answer);
    o.add("correct", correct);
    o.add("text", text);
    o.add("code", code);
    o.add("output", output);
    return o;
  }

  private static com.google.gson.JsonElement finite(double x) {
    return Double.isFinite(x) ? new JsonPrimitive(x) : JsonNull.INSTANCE;
  }

  /**
   * A node text split into the step and its executed output: the text before the first {@code
   * \n<output>}, and what lies between it and the last {@code <end_of_output>} (outer markers of a
   * doubly wrapped error removed); the whole text and "" without an output.
   */
  static String[] splitOutput(String text) {
    String open = "\n" + StepFormat.OUTPUT;
    int at = text.indexOf(open);
    if (at < 0) {
      int bare = text.indexOf(StepFormat.OUTPUT);
      if (bare < 0) {
        return new String[] {text, ""};
      }
      at = bare;
      open = StepFormat.OUTPUT;
    }
    String out = text.substring(at + open.length());
    while (out.startsWith(StepFormat.OUTPUT)) {
      out = out.substring(StepFormat.OUTPUT.length());
    }
    while (out.endsWith(StepFormat.END_OF_OUTPUT)) {
      out = out.substring(0, out.length() - StepFormat.END_OF_OUTPUT.length());
    }
    return new String[] {text.substring(0, at), out};
  }

  /** Escapes {@code & < > " '} for HTML text and attribute values. */
  static String escapeHtml(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
