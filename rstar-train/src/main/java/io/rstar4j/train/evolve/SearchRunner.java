package io.rstar4j.train.evolve;

import io.rstar4j.core.AnswerGrader;
import io.rstar4j.core.Problem;
import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.SetOnce;
import io.rstar4j.core.io.AtomicFiles;
import io.rstar4j.core.io.RunLock;
import io.rstar4j.core.tree.NodeKind;
import io.rstar4j.core.tree.ReasoningNode;
import io.rstar4j.core.tree.ReasoningTree;
import io.rstar4j.core.tree.ReasoningTrees;
import io.rstar4j.mcts.ReasoningSearch;
import io.rstar4j.mcts.ScoredAnswer;
import io.rstar4j.mcts.SearchResult;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs a {@link ReasoningSearch} over many problems, a lock-step group of {@code batchProblems} at
 * a time, and streams each finished tree to a JSON-lines file ({@link ReasoningTrees#toJsonLine},
 * one tree per problem, flushed after each group): the file feeds {@code TrainingDataExtractor}
 * directly. The chosen answers are graded with the search's own grader ({@link
 * ReasoningSearch#grader()}).
 *
 * <p>Resumable: problems whose trees the file already holds are not searched again; their outcomes
 * are read back from the saved trees. A torn last line (an interrupted write) is dropped.
 *
 * <pre>{@code
 * SearchRunner runner = SearchRunner.builder(search).batchProblems(8)
 *     .onOutcome(o -> System.out.println(o)).build();
 * List<SolveOutcome> outcomes = runner.run(problems, Path.of("trees.jsonl"));
 * }</pre>
 */
public final class SearchRunner {
  private static final System.Logger LOG = System.getLogger(SearchRunner.class.getName());

  private final ReasoningSearch search;
  private final int batchProblems;
  private final AnswerGrader grader;
  private final Consumer<SolveOutcome> onOutcome;
  private final Consumer<SolveProgress> onProgress;
  private final Map<String, String> fingerprint;
  private final Rerun rerun;

  private SearchRunner(Builder b) {
    this.fingerprint = new java.util.LinkedHashMap<>(b.fingerprint);
    this.rerun = b.rerun;
    this.search = b.search;
    this.batchProblems = b.batchProblems;
    this.grader = b.search.grader();
    this.onOutcome = b.onOutcome;
    this.onProgress = b.onProgress;
  }

  /** A builder over a configured search. */
  public static Builder builder(ReasoningSearch search) {
    return new Builder(search);
  }

  /** The file next to a tree file that holds its {@link RunFingerprint}: {@code NAME.run.json}. */
  public static Path fingerprintFile(Path treesFile) {
    Path abs = treesFile.toAbsolutePath();
    return abs.resolveSibling(abs.getFileName() + ".run.json");
  }

  /**
   * The fingerprint a run of these problems records: the problem set's digest, the search
   * configuration, then the fields given to {@link Builder#fingerprint}.
   */
  public RunFingerprint fingerprint(List<Problem> problems) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put(RunFingerprint.PROBLEM_SET, RunFingerprint.problemSet(problems));
    m.put("search", search.config().toString());
    m.putAll(fingerprint);
    return RunFingerprint.of(m);
  }

  /**
   * Searches every problem whose tree is not yet in {@code treesFile}, appending the new trees.
   *
   * <p>With a tree file, the run holds {@code FILE.lock} while it runs (a second run on the same
   * file is refused), and records its {@link #fingerprint} in {@code FILE.run.json}: a file written
   * with another fingerprint is refused (or restarted, or extended: {@link Builder#rerun}). Each
   * group's trees are forced to the disk before the next group starts.
   *
   * @param treesFile where trees are saved and resumed from, or null to keep none
   * @return one outcome per problem, in the problems' order
   * @throws IllegalArgumentException when two problems share an id, or the tree file holds a tree
   *     for one of the ids with another question (a file of another problem set)
   * @throws RunMismatchException when the tree file was written with another fingerprint
   * @throws IllegalStateException when another run holds the tree file
   * @throws IOException when the tree file cannot be read or written
   */
  public List<SolveOutcome> run(List<Problem> problems, Path treesFile) throws IOException {
    Map<String, Problem> ids = new HashMap<>();
    for (Problem p : problems) {
      if (ids.put(p.id(), p) != null) {
        throw new IllegalArgumentException("duplicate problem id " + p.id());
      }
    }
    if (treesFile == null) {
      return runLocked(problems, ids, null);
    }
    try (RunLock lock = RunLock.onFile(treesFile)) {
      RunFingerprint now = fingerprint(problems);
      Path fpFile = fingerprintFile(treesFile);
      Optional<RunFingerprint> before = RunFingerprint.read(fpFile);
      boolean hasTrees = Files.exists(treesFile) && Files.size(treesFile) > 0;
      if (before.isPresent() && hasTrees) {
        List<String> diff = before.get().differences(now);
        if (!diff.isEmpty()) {
          boolean onlyProblems = diff.equals(List.of(RunFingerprint.PROBLEM_SET));
          if (rerun == Rerun.RESTART) {
            Path aside = RunFingerprint.moveAside(treesFile);
            Files.move(fpFile, aside.resolveSibling(aside.getFileName() + ".run.json"));
            LOG.log(
                System.Logger.Level.INFO, "{0}: the earlier run moved to {1}", treesFile, aside);
          } else if (!(rerun == Rerun.EXTEND && onlyProblems)) {
            throw new RunMismatchException(
                treesFile, diff, before.get().describeDifferences(now), onlyProblems);
          }
        }
      } else if (hasTrees) {
        LOG.log(
            System.Logger.Level.INFO,
            "{0}: no fingerprint (written by an earlier version): resuming by problem id",
            treesFile);
      }
      if (before.isEmpty() || !before.get().equals(now)) {
        now.write(fpFile);
      }
      return runLocked(problems, ids, treesFile);
    }
  }

  private List<SolveOutcome> runLocked(
      List<Problem> problems, Map<String, Problem> ids, Path treesFile) throws IOException {
    Map<String, ReasoningTree> saved =
        treesFile == null ? new HashMap<>() : readSaved(treesFile, ids);
    if (treesFile != null && treesFile.toAbsolutePath().getParent() != null) {
      Files.createDirectories(treesFile.toAbsolutePath().getParent());
    }
    int total = problems.size();
    int resumed = 0;
    for (Problem p : problems) {
      if (saved.containsKey(p.id())) {
        resumed++;
      }
    }
    int toSearch = total - resumed;
    List<SolveOutcome> out = new ArrayList<>(total);
    long start = System.nanoTime();
    int searched = 0;
    FileChannel channel =
        treesFile == null
            ? null
            : FileChannel.open(
                treesFile,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    try (channel;
        Writer w =
            channel == null
                ? Writer.nullWriter()
                : new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8))) {
      List<Problem> window = new ArrayList<>();
      List<Problem> group = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        Problem p = problems.get(i);
        window.add(p);
        if (!saved.containsKey(p.id())) {
          group.add(p);
        }
        boolean last = i == total - 1;
        if (group.size() == batchProblems || last) {
          Map<String, SolveOutcome> fresh = new HashMap<>();
          if (!group.isEmpty()) {
            List<SearchResult> results = search.searchAll(group).results();
            for (SearchResult r : results) {
              w.write(ReasoningTrees.toJsonLine(r.tree()));
              w.write('\n');
              fresh.put(r.problem().id(), outcome(r.problem(), r.bestAnswer(), false));
            }
            w.flush();
            if (channel != null) {
              try {
                AtomicFiles.force(channel);
              } catch (IOException e) {
                throw new IOException(
                    treesFile + ": saving the trees failed (" + e.getMessage() + ")", e);
              }
            }
            searched += group.size();
          }
          for (Problem q : window) {
            SolveOutcome o = fresh.get(q.id());
            if (o == null) {
              o = outcome(q, bestAnswer(saved.get(q.id())), true);
            }
            out.add(o);
            if (onOutcome != null) {
              onOutcome.accept(o);
            }
          }
          if (onProgress != null && (!group.isEmpty() || last)) {
            double secs = (System.nanoTime() - start) / 1e9;
            double rate = searched / Math.max(secs, 1e-9);
            double eta =
                searched == 0
                    ? (toSearch == searched ? 0 : Double.NaN)
                    : (toSearch - searched) / rate;
            onProgress.accept(new SolveProgress(out.size(), total, resumed, rate, eta));
          }
          window.clear();
          group.clear();
        }
      }
    }
    if (resumed > 0) {
      LOG.log(
          System.Logger.Level.INFO,
          "{0}: {1} of {2} problems resumed from saved trees",
          treesFile,
          resumed,
          total);
    }
    return out;
  }

  private SolveOutcome outcome(Problem p, Optional<ScoredAnswer> best, boolean resumed) {
    if (best.isEmpty()) {
      return new SolveOutcome(
          p.id(), null, p.hasGold() ? Boolean.FALSE : null, Double.NaN, resumed);
    }
    ScoredAnswer a = best.get();
    Boolean correct = p.hasGold() ? grader.matchesAny(a.answer(), p.goldAnswers()) : null;
    return new SolveOutcome(p.id(), a.answer(), correct, a.score(), resumed);
  }

  /**
   * The answer leaf with the highest Q (the first in depth-first pre-order on ties), as {@link
   * SearchResult#bestAnswer()} picks it.
   */
  static Optional<ScoredAnswer> bestAnswer(ReasoningTree tree) {
    ScoredAnswer best = null;
    for (int i = 0; i < tree.size(); i++) { // pre-order: leaves in depth-first path order
      ReasoningNode n = tree.node(i);
      if (tree.isLeaf(i) && n.kind() == NodeKind.ANSWER && (best == null || n.q() > best.score())) {
        best = new ScoredAnswer(n.answer().orElseThrow(), n.q());
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The saved trees of the wanted problems, by id. Malformed lines are dropped from the file (a
   * torn last line is what an interrupted run leaves) with a warning.
   */
  static Map<String, ReasoningTree> readSaved(Path file, Map<String, Problem> wanted)
      throws IOException {
    Map<String, ReasoningTree> saved = new HashMap<>();
    if (!Files.exists(file)) {
      return saved;
    }
    List<String> good = new ArrayList<>();
    int bad = 0;
    long lineNo = 0;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        ReasoningTree t;
        try {
          t = ReasoningTrees.fromJsonLine(line);
        } catch (RuntimeException e) {
          bad++;
          LOG.log(
              System.Logger.Level.WARNING,
              "{0}:{1}: dropping a malformed tree line: {2}",
              file,
              lineNo,
              e.getMessage());
          continue;
        }
        good.add(line);
        Problem p = wanted.get(t.problem().id());
        if (p != null) {
          if (!p.question().equals(t.problem().question())) {
            throw new IllegalArgumentException(
                file
                    + ":"
                    + lineNo
                    + ": the saved tree of problem "
                    + p.id()
                    + " has another question: the file belongs to another problem set (use"
                    + " another tree file)");
          }
          saved.putIfAbsent(t.problem().id(), t);
        }
      }
    }
    if (bad > 0) {
      AtomicFiles.write(
          file,
          w -> {
            for (String g : good) {
              w.write(g);
              w.write('\n');
            }
          });
    } else if (Files.size(file) > 0 && !endsWithNewline(file)) {
      Files.writeString(file, "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
    return saved;
  }

  private static boolean endsWithNewline(Path file) throws IOException {
    try (var ch = Files.newByteChannel(file)) {
      ch.position(ch.size() - 1);
      java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
      ch.read(b);
      return b.get(0) == '\n';
    }
  }

  /**
   * Builder of {@link SearchRunner}: every setter validates at once, and setting an option twice
   * fails ("batchProblems was already set").
   */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private final ReasoningSearch search;
    private int batchProblems = 16;
    private Consumer<SolveOutcome> onOutcome;
    private Consumer<SolveProgress> onProgress;
    private Map<String, String> fingerprint = Map.of();
    private Rerun rerun = Rerun.RESUME;

    private Builder(ReasoningSearch search) {
      this.search = Objects.requireNonNull(search, "search");
    }

    /**
     * Problems searched together in one lock-step group (default 16).
     *
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder batchProblems(int n) {
      set.mark("batchProblems");
      batchProblems = Checks.positive("batchProblems", n);
      return this;
    }

    /**
     * Told of each outcome, in the problems' order, as its group finishes.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder onOutcome(Consumer<SolveOutcome> c) {
      set.mark("onOutcome");
      onOutcome = Objects.requireNonNull(c, "onOutcome");
      return this;
    }

    /**
     * Told of the progress after each group.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder onProgress(Consumer<SolveProgress> c) {
      set.mark("onProgress");
      onProgress = Objects.requireNonNull(c, "onProgress");
      return this;
    }

    /**
     * Fields added to the tree file's {@link RunFingerprint} after the problem set and the search
     * configuration: what else decides the trees (the models, the seeds), in order.
     *
     * @throws NullPointerException if null, or a key or value is null
     * @throws IllegalStateException if already set
     */
    public Builder fingerprint(Map<String, String> fields) {
      set.mark("fingerprint");
      fingerprint = RunFingerprint.of(fields).fields();
      return this;
    }

    /**
     * What to do with a tree file written with another fingerprint (default {@link Rerun#RESUME}:
     * refuse it).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder rerun(Rerun r) {
      set.mark("rerun");
      rerun = Objects.requireNonNull(r, "rerun");
      return this;
    }

    /** The runner. */
    public SearchRunner build() {
      return new SearchRunner(this);
    }
  }
}
