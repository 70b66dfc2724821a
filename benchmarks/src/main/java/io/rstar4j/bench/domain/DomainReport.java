package io.rstar4j.bench.domain;

import io.rstar4j.bench.HarnessArgs;
import io.rstar4j.core.PromptTemplate;
import io.rstar4j.core.Trajectory;
import io.rstar4j.core.tokenizer.Tokenizer;
import io.rstar4j.core.tokenizer.Tokenizers;
import io.rstar4j.mcts.LockStepResult;
import io.rstar4j.mcts.ReasoningSearch;
import io.rstar4j.mcts.ScoredAnswer;
import io.rstar4j.mcts.SearchConfig;
import io.rstar4j.mcts.SearchResult;
import io.rstar4j.train.domain.BootstrapPolicy;
import io.rstar4j.train.domain.Split;
import io.rstar4j.train.domain.WordProblem;
import io.rstar4j.train.domain.WordProblemGenerator;
import io.rstar4j.train.domain.WordProblems;
import io.rstar4j.train.tokenizer.BpeTrainer;
import io.rstar4j.train.tokenizer.TrainedTokenizer;
import io.rstar4j.verify.CPythonVerifier;
import io.rstar4j.verify.grade.MathGrader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The embedded domain in figures: sample problems per level (train and test split), the
 * distribution of operations, distractors and number sizes per level, the bootstrap policy's solve
 * rate per level at its default mistake rates (single sampled paths, executed in CPython; with
 * {@code --mcts}, also the share solved by round-1 terminal-guided MCTS, 8 rollouts x 5
 * candidates), and the domain BPE tokenizer's compression of correct solutions against bytes (and
 * against a given tokenizer.json, e.g. Qwen3's).
 *
 * <pre>
 * java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" io.rstar4j.bench.domain.DomainReport \
 *     [--per-level 50] [--samples 4] [--seed 1] [--growth 0.3] [--mcts] [--corpus 2000 (0: skip)] \
 *     [--compare tokenizer.json]
 * </pre>
 */
public final class DomainReport {
  private DomainReport() {}

  @Command(
      name = "DomainReport",
      description = "the embedded domain and its bootstrap policy in figures")
  static final class Options {
    @Option(
        names = "--per-level",
        paramLabel = "N",
        defaultValue = "50",
        description = "train problems per level for the solve rates (default ${DEFAULT-VALUE})")
    int perLevel;

    @Option(
        names = "--samples",
        paramLabel = "K",
        defaultValue = "4",
        description = "sampled paths per problem (default ${DEFAULT-VALUE})")
    int samples;

    @Option(
        names = "--seed",
        paramLabel = "S",
        defaultValue = "1",
        description = "seed of problems and policy (default ${DEFAULT-VALUE})")
    long seed;

    @Option(
        names = "--growth",
        paramLabel = "G",
        defaultValue = "0.3",
        description = "growth of the mistake rates per operation (default ${DEFAULT-VALUE})")
    double growth;

    @Option(
        names = "--mcts",
        description = "also run round-1 terminal-guided MCTS (8 rollouts x 5 candidates)")
    boolean mcts;

    @Option(
        names = "--corpus",
        paramLabel = "N",
        defaultValue = "2000",
        description =
            "solutions for the tokenizer figures, 0 to skip them (default ${DEFAULT-VALUE})")
    int corpus;

    @Option(
        names = "--compare",
        paramLabel = "FILE",
        description = "a tokenizer.json to compare the domain tokenizer with (e.g. Qwen3's)")
    Path compare;

    @Option(names = "--help", usageHelp = true, description = "show this help")
    boolean help;
  }

  /** Prints the report. */
  public static void main(String[] args) throws Exception {
    Options opts = HarnessArgs.parse(new Options(), args);
    int perLevel = opts.perLevel;
    int samples = opts.samples;
    long seed = opts.seed;
    boolean mcts = opts.mcts;
    int corpus = opts.corpus;
    Path compare = opts.compare;
    double growth = opts.growth;
    MathGrader grader = MathGrader.standard();
    System.out.println("== sample problems (seed " + seed + ")");
    for (int level = 1; level <= 8; level++) {
      for (Split split : Split.values()) {
        WordProblem p =
            WordProblemGenerator.builder()
                .seed(seed)
                .split(split)
                .difficulty(level)
                .build()
                .problem(0);
        System.out.printf(
            Locale.ROOT,
            "level %d %-5s %s%n      ops %s -> %s%n",
            level,
            split.label(),
            p.question(),
            p.operations(),
            p.answer());
      }
    }
    for (Split split : Split.values()) {
      List<WordProblem> ps =
          WordProblemGenerator.builder().seed(seed).split(split).count(8 * 200).build().generate();
      System.out.println("\n== " + split.label() + " split, 1600 problems, seed " + seed);
      System.out.print(WordProblems.summary(ps));
    }
    BootstrapPolicy policy = BootstrapPolicy.builder().seed(seed).growth(growth).build();
    try (CPythonVerifier python =
        CPythonVerifier.builder().workers(2).timeout(Duration.ofSeconds(10)).build()) {
      System.out.printf(
          Locale.ROOT,
          "%n== bootstrap policy, default rates, growth %.2f, %d train problems per level, %d sampled"
              + " paths each%n",
          growth,
          perLevel,
          samples);
      System.out.printf(
          Locale.ROOT,
          "%-5s %8s %8s%s%n",
          "level",
          "pass@1",
          "pass@" + samples,
          mcts ? "   MCTS 8x5" : "");
      for (int level = 1; level <= 8; level++) {
        List<WordProblem> ps =
            WordProblemGenerator.builder()
                .seed(seed + 1000)
                .difficulty(level)
                .count(perLevel)
                .build()
                .generate();
        int paths = 0;
        int anySolved = 0;
        for (WordProblem p : ps) {
          boolean any = false;
          for (int s = 0; s < samples; s++) {
            Trajectory t = policy.rollout(p.problem(), python, s);
            boolean ok =
                t.isComplete()
                    && grader.matchesAny(t.answer().orElse(""), p.problem().goldAnswers());
            paths += ok ? 1 : 0;
            any |= ok;
          }
          anySolved += any ? 1 : 0;
        }
        String searched = "";
        if (mcts) {
          ReasoningSearch search =
              ReasoningSearch.builder(policy, python)
                  .grader(grader)
                  .config(SearchConfig.bootstrapRound())
                  .build();
          LockStepResult r = search.searchAll(WordProblems.problems(ps));
          int solved = 0;
          for (SearchResult sr : r.results()) {
            boolean found = false;
            for (ScoredAnswer a : sr.answers()) {
              found |= grader.matchesAny(a.answer(), sr.problem().goldAnswers());
            }
            solved += found ? 1 : 0;
          }
          searched = String.format(Locale.ROOT, "   %8.3f", solved / (double) ps.size());
        }
        System.out.printf(
            Locale.ROOT,
            "%-5d %8.3f %8.3f%s%n",
            level,
            paths / (double) (ps.size() * samples),
            anySolved / (double) ps.size(),
            searched);
      }
      if (corpus == 0) {
        return;
      }
      System.out.printf(
          Locale.ROOT, "%n== domain BPE tokenizer, %d correct solutions (executed)%n", corpus);
      BootstrapPolicy teacher = BootstrapPolicy.builder().noMistakes().build();
      List<String> texts = new ArrayList<>();
      List<String> solutions = new ArrayList<>();
      for (WordProblem p :
          WordProblemGenerator.builder().seed(seed + 2000).count(corpus).build().generate()) {
        Trajectory t = teacher.rollout(p.problem(), python, 0);
        solutions.add(t.solutionText());
        texts.add(PromptTemplate.TRAINING.head(p.question()) + t.solutionText());
      }
      long bytes = 0;
      for (String s : solutions) {
        bytes += s.getBytes(StandardCharsets.UTF_8).length;
      }
      double perBytes = bytes / (double) solutions.size();
      System.out.printf(Locale.ROOT, "byte level          %7.1f tokens per solution%n", perBytes);
      if (compare != null && Files.exists(compare)) {
        Tokenizer other = Tokenizers.fromFile(compare);
        long n = 0;
        for (String s : solutions) {
          n += other.encode(s).length;
        }
        System.out.printf(
            Locale.ROOT,
            "%-19s %7.1f tokens per solution (%.2fx fewer than bytes)%n",
            compare.getFileName() + " (" + other.vocabSize() + ")",
            n / (double) solutions.size(),
            perBytes / (n / (double) solutions.size()));
      }
      for (int vocab : new int[] {512, 1024, 2048}) {
        long t0 = System.nanoTime();
        TrainedTokenizer tt = BpeTrainer.builder().vocabSize(vocab).build().train(texts);
        double secs = (System.nanoTime() - t0) / 1e9;
        double per = tt.tokens(solutions) / (double) solutions.size();
        System.out.printf(
            Locale.ROOT,
            "domain BPE %4d     %7.1f tokens per solution (%.2fx fewer than bytes), %d merges,"
                + " trained in %.2f s%n",
            tt.vocabSize(),
            per,
            perBytes / per,
            tt.mergeCount(),
            secs);
      }
    }
  }
}
