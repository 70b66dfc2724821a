package io.rstar4j.train.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.PromptTemplate;
import io.rstar4j.core.Trajectory;
import io.rstar4j.core.Verifier;
import io.rstar4j.core.tokenizer.Tokenizer;
import io.rstar4j.core.tokenizer.Tokenizers;
import io.rstar4j.train.domain.BootstrapPolicy;
import io.rstar4j.train.domain.WordProblem;
import io.rstar4j.train.domain.WordProblemGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class BpeTrainerTest {
  static List<String> corpus;
  static List<String> solutions;

  /**
   * SFT-style texts of the embedded domain: the training prompt head and the bootstrap policy's
   * correct solution, the printed output standing in for the executed one.
   */
  public static List<String> domainCorpus(int count, long seed, List<String> solutionsOut) {
    BootstrapPolicy policy = BootstrapPolicy.builder().noMistakes().build();
    List<String> out = new ArrayList<>();
    for (WordProblem p :
        WordProblemGenerator.builder().seed(seed).count(count).build().generate()) {
      Verifier printsTheAnswer = program -> new ExecutionOutcome.Output(p.answer(), Duration.ZERO);
      Trajectory t = policy.rollout(p.problem(), printsTheAnswer, 0);
      String solution = t.solutionText();
      out.add(PromptTemplate.TRAINING.head(p.question()) + solution);
      if (solutionsOut != null) {
        solutionsOut.add(solution);
      }
    }
    return out;
  }

  private static TrainedTokenizer small;

  /** A small domain tokenizer (vocabulary 512) for other tests. */
  public static synchronized TrainedTokenizer small() {
    if (small == null) {
      small = BpeTrainer.builder().vocabSize(512).build().train(domainCorpus(300, 1, null));
    }
    return small;
  }

  @BeforeAll
  static void corpus() {
    solutions = new ArrayList<>();
    corpus = domainCorpus(1500, 3, solutions);
  }

  @Test
  void roundTripsEveryCorpusTextAndKeepsTagsAndDigitsWhole() {
    TrainedTokenizer tt = BpeTrainer.builder().vocabSize(1024).build().train(corpus);
    assertEquals(1024, tt.vocabSize());
    Tokenizer tok = tt.tokenizer();
    assertEquals(1024, tok.vocabSize());
    for (String s : corpus) {
      int[] ids = tok.encode(s);
      assertEquals(s, tok.decode(ids));
    }
    for (String tag : BpeTrainer.STEP_TAGS) {
      assertEquals(1, tok.encode(tag).length, tag);
      assertEquals(tt.specialTokens().get(tag), tok.encode("x" + tag + "y")[1]);
    }
    for (String m : BpeTrainer.PROMPT_MARKERS) {
      assertEquals(1, tok.encode(m).length, m);
    }
    assertEquals(1023, tt.eosId());
    assertEquals("<|endoftext|>", tt.eosToken());
    // every token that holds a digit is that digit alone
    for (int id = 0; id < tok.vocabSize(); id++) {
      String t = tok.decode(new int[] {id});
      if (t.chars().anyMatch(Character::isDigit) && !tt.specialTokens().containsValue(id)) {
        assertEquals(1, t.length(), "token " + id + " '" + t + "'");
      }
    }
    assertEquals(5, tok.encode("12345").length);
    String odd = "Crème brûlée ☕ costs $4.50 — 日本語\r\n\t<end_of_step>";
    assertEquals(odd, tok.decode(tok.encode(odd)));
  }

  @Test
  void huggingFaceTokenizersReadTheFileAndGiveTheSameIds(@TempDir Path dir) throws Exception {
    TrainedTokenizer tt = BpeTrainer.builder().vocabSize(800).build().train(corpus);
    Path file = tt.write(dir);
    assertEquals(dir.resolve("tokenizer.json").toAbsolutePath(), file);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file is left");
    }
    Tokenizer ours = Tokenizers.fromFile(file);
    try (HuggingFaceTokenizer hf =
        HuggingFaceTokenizer.newInstance(
            file, Map.of("truncation", "false", "addSpecialTokens", "false"))) {
      for (String s : corpus.subList(0, 300)) {
        Encoding e = hf.encode(s, false, false);
        long[] ref = e.getIds();
        int[] mine = ours.encode(s);
        assertEquals(ref.length, mine.length, s);
        for (int i = 0; i < mine.length; i++) {
          assertEquals(ref[i], mine[i], s);
        }
        assertEquals(s, hf.decode(ref, false));
      }
    }
  }

  @Test
  void compressesSolutionsAgainstBytes() {
    StringBuilder table = new StringBuilder();
    long bytes = 0;
    for (String s : solutions) {
      bytes += s.getBytes(StandardCharsets.UTF_8).length;
    }
    double perSolutionBytes = bytes / (double) solutions.size();
    table.append(
        String.format(
            Locale.ROOT,
            "byte level: %.1f tokens per solution (%d solutions)%n",
            perSolutionBytes,
            solutions.size()));
    double previous = perSolutionBytes;
    for (int vocab : new int[] {512, 1024, 2048}) {
      TrainedTokenizer tt = BpeTrainer.builder().vocabSize(vocab).build().train(corpus);
      double perSolution = tt.tokens(solutions) / (double) solutions.size();
      table.append(
          String.format(
              Locale.ROOT,
              "vocab %4d (%4d merges): %.1f tokens per solution, %.2fx fewer than bytes%n",
              tt.vocabSize(),
              tt.mergeCount(),
              perSolution,
              perSolutionBytes / perSolution));
      assertTrue(perSolution <= previous, table.toString());
      previous = perSolution;
      if (vocab == 1024) {
        assertTrue(perSolutionBytes / perSolution > 2.5, table.toString());
      }
    }
    System.out.println(table);
  }

  @Test
  void trainsOnTenMegabytesInSeconds() {
    List<String> big = new ArrayList<>();
    long bytes = 0;
    List<String> more = domainCorpus(3000, 17, null);
    while (bytes < 10_000_000) {
      for (String s : more) {
        big.add(s + " " + big.size());
        bytes += s.length() + 8;
      }
    }
    long t0 = System.nanoTime();
    TrainedTokenizer tt = BpeTrainer.builder().vocabSize(2048).build().train(big);
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "trained vocab %d on %.1f MB in %.2f s%n",
        tt.vocabSize(),
        bytes / 1e6,
        seconds);
    assertTrue(seconds < 120, "training took " + seconds + " s");
  }

  @Test
  void deterministicAndStopsWhenNothingRepeats() {
    List<String> few = corpus.subList(0, 50);
    assertEquals(
        BpeTrainer.builder().vocabSize(600).build().train(few).json(),
        BpeTrainer.builder().vocabSize(600).build().train(few).json());
    TrainedTokenizer tiny =
        BpeTrainer.builder().vocabSize(4000).minFrequency(2).build().train(List.of("abc abd"));
    assertTrue(tiny.vocabSize() < 300);
    assertArrayEquals(tiny.tokenizer().encode("ab"), new int[] {256});
  }

  @Test
  void builderValidates() {
    assertThrows(IllegalArgumentException.class, () -> BpeTrainer.builder().vocabSize(100));
    assertThrows(IllegalArgumentException.class, () -> BpeTrainer.builder().vocabSize(260).build());
    assertThrows(IllegalArgumentException.class, () -> BpeTrainer.builder().minFrequency(0));
    assertThrows(
        IllegalArgumentException.class,
        () -> BpeTrainer.builder().specialTokens(List.of("<a>", "<a>")));
    assertThrows(
        IllegalStateException.class, () -> BpeTrainer.builder().vocabSize(600).vocabSize(700));
    BpeTrainer custom = BpeTrainer.builder().specialTokens(List.of("<x>")).eosToken("</s>").build();
    assertEquals(List.of("<x>", "</s>"), custom.specialTokens());
  }
}
