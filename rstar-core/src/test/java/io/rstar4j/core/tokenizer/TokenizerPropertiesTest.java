package io.rstar4j.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * QuickTheories properties of the tokenizer on random strings, against the reference where it
 * helps.
 */
class TokenizerPropertiesTest {

  /** Pieces random texts are made of: every character class the split pattern cares about. */
  private static final String[] ALPHABET = {
    "a",
    "Z",
    "é",
    "ß",
    "ſ",
    "ǅ",
    "中",
    "文",
    "ア",
    "한",
    "ж",
    "Ω",
    "ﬁ",
    "𝔸",
    "𠀀",
    "0",
    "7",
    "½",
    "²",
    "Ⅻ",
    "٣",
    "𝟙",
    " ",
    " ",
    " ",
    "\t",
    "\n",
    "\r",
    "\u000B",
    "\u000C",
    "\u0085",
    "\u00A0",
    "\u2003",
    "\u3000",
    "\u2028",
    "'",
    "'s",
    "'S",
    "'ll",
    "'re",
    "'ve",
    "'m",
    "'d",
    "'t",
    "'x",
    ".",
    ",",
    "!",
    "?",
    "$",
    "\\",
    "{",
    "}",
    "^",
    "_",
    "-",
    "+",
    "=",
    "(",
    ")",
    "<",
    ">",
    "|",
    "#",
    "😀",
    "👍🏽",
    "‍",
    "\u0301",
    "\u200B",
    "\uFFFD",
    "\u0000",
    "\u007F",
    "<|endoftext|>",
    "<|im_start|>",
    "<think>",
    "<|endoftext|",
    "<|",
    "|>",
    "\\frac",
    "def ",
    "    ",
    "\n\n",
    " \n",
    "ing",
    "the",
    " the",
    "1234",
  };

  static Tokenizer qwen;
  static Reference reference;

  @BeforeAll
  static void load() throws Exception {
    var file = TestAssets.require(TestAssets.QWEN3_TOKENIZER);
    qwen = Tokenizers.fromFile(file);
    reference = Reference.of(file);
  }

  @AfterAll
  static void close() {
    if (reference != null) {
      reference.close();
    }
  }

  private static Gen<String> texts() {
    return lists()
        .of(integers().between(0, ALPHABET.length - 1))
        .ofSizeBetween(0, 40)
        .map(
            is -> {
              StringBuilder sb = new StringBuilder();
              for (int i : is) {
                sb.append(ALPHABET[i]);
              }
              return sb.toString();
            });
  }

  /**
   * Any string of Unicode scalar values (every code point but the surrogates), up to 40 of them.
   * Generated directly rather than filtered from arbitrary strings: a filter rejects most long
   * strings and makes QuickTheories give up at random.
   */
  private static Gen<String> scalarStrings() {
    return lists()
        .of(integers().between(0, 0x10FFFF - 0x800))
        .ofSizeBetween(0, 40)
        .map(
            cps -> {
              StringBuilder sb = new StringBuilder();
              for (int cp : cps) {
                sb.appendCodePoint(cp >= 0xD800 ? cp + 0x800 : cp);
              }
              return sb.toString();
            });
  }

  @Test
  void randomTextsFromTrickyPiecesMatchTheReference() {
    qt().withExamples(3000)
        .forAll(texts())
        .checkAssert(
            s ->
                assertArrayEquals(
                    reference.encode(s), qwen.encode(s), () -> QwenTokenizerTest.escape(s)));
  }

  @Test
  void randomBmpStringsMatchTheReference() {
    // code points up to U+2FFF: Latin, Greek, Cyrillic, Indic, symbols, punctuation, CJK radicals
    // Combining marks other than U+0300..U+036F are replaced: the reference normalizes (NFC) with
    // old Unicode tables, so marks added after Unicode 9 (e.g. U+07FD) compose and reorder
    // differently there than in the JDK (a documented deviation): they become U+0301.
    qt().withExamples(2000)
        .forAll(
            strings()
                .betweenCodePoints(0x20, 0x2FFF)
                .ofLengthBetween(0, 30)
                .map(
                    s ->
                        s.codePoints()
                            .map(cp -> notARecentMark(cp) ? cp : 0x0301)
                            .collect(
                                StringBuilder::new,
                                StringBuilder::appendCodePoint,
                                StringBuilder::append)
                            .toString()))
        .checkAssert(
            s ->
                assertArrayEquals(
                    reference.encode(s), qwen.encode(s), () -> QwenTokenizerTest.escape(s)));
  }

  private static boolean notARecentMark(int cp) {
    int t = Character.getType(cp);
    boolean mark =
        t == Character.NON_SPACING_MARK
            || t == Character.COMBINING_SPACING_MARK
            || t == Character.ENCLOSING_MARK;
    return !mark || (cp >= 0x0300 && cp <= 0x036F);
  }

  @Test
  void decodeOfEncodeGivesTheTextBack() {
    qt().withExamples(2000)
        .forAll(scalarStrings())
        .check(
            s -> qwen.decode(qwen.encode(s)).equals(Normalizer.normalize(s, Normalizer.Form.NFC)));
    qt().withExamples(2000)
        .forAll(texts())
        .assuming(s -> Normalizer.isNormalized(s, Normalizer.Form.NFC))
        .check(s -> qwen.decode(qwen.encode(s)).equals(s));
  }

  @Test
  void tinyTokenizerRoundTripsEverything() {
    Tokenizer tiny =
        Tokenizers.fromJson(
            TinyTokenizerJson.bpe(
                List.<String[]>of(
                    new String[] {"a", "b"}, new String[] {"ab", "a"}, new String[] {"Ġ", "Ġ"}),
                true,
                false,
                List.of("<|endoftext|>")));
    qt().withExamples(2000)
        .forAll(scalarStrings())
        .check(s -> tiny.decode(tiny.encode(s)).equals(s));
  }

  @Test
  void streamingDecodeConcatenatesToDecodeForAnyIds() {
    int size = qwen.vocabSize();
    qt().withExamples(2000)
        .forAll(
            lists().of(integers().between(0, 600)).ofSizeBetween(0, 30),
            integers().between(0, size - 1))
        .check(
            (small, big) -> {
              // small ids are single bytes and short pieces: they split characters often
              int[] ids = new int[small.size() + 1];
              for (int i = 0; i < small.size(); i++) {
                ids[i] = small.get(i);
              }
              ids[small.size()] = big;
              Tokenizer.StreamingDecoder d = qwen.streamingDecoder();
              StringBuilder sb = new StringBuilder();
              for (int id : ids) {
                sb.append(d.push(id));
              }
              sb.append(d.flush());
              return sb.toString().equals(qwen.decode(ids));
            });
  }

  @Test
  void decodeOfAnyIdsMatchesTheReference() {
    // ids below 256 are single bytes: random runs of them are mostly invalid UTF-8
    qt().withExamples(2000)
        .forAll(lists().of(integers().between(0, 400)).ofSizeBetween(0, 12))
        .check(
            ids -> {
              int[] a = ids.stream().mapToInt(Integer::intValue).toArray();
              return qwen.decode(a).equals(reference.decode(a));
            });
  }

  @Test
  void heapAndLinearMergesAgree() throws Exception {
    // the same BPE run with the quadratic scan and the priority queue, on words of repeated pieces
    BpeModel model = bpeOf(qwen);
    qt().withExamples(1000)
        .forAll(texts())
        .check(
            s -> {
              byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
              if (b.length == 0) {
                return true;
              }
              int[] ids = new int[b.length];
              int[] ids2 = new int[b.length];
              int[] direct = model.bpe(b, b.length);
              int[] base = model.bpe(new byte[] {b[0]}, 1);
              for (int i = 0; i < b.length; i++) {
                ids[i] = model.bpe(new byte[] {b[i]}, 1)[0];
              }
              System.arraycopy(ids, 0, ids2, 0, ids.length);
              int[] linear = model.mergeLinear(ids);
              int[] heap = model.mergeHeap(ids2);
              return base.length == 1
                  && Arrays.equals(linear, heap)
                  && Arrays.equals(direct, linear);
            });
  }

  @Test
  void handWrittenSplitEqualsTheRegex() {
    for (String pattern :
        List.of(GptSplit.QWEN2_PATTERN, GptSplit.LLAMA3_PATTERN, GptSplit.GPT2_PATTERN)) {
      GptSplit scanner = GptSplit.forPattern(pattern);
      java.util.regex.Pattern regex = RegexSplit.compile(pattern);
      qt().withExamples(2000)
          .forAll(texts())
          .check(s -> pieces(scanner, s).equals(regexPieces(regex, s)));
    }
  }

  @Test
  void splitOfLongRunsIsLinear() {
    // a pattern engine that backtracks would take seconds here
    String s = " ".repeat(200_000) + "x" + "\n ".repeat(100_000) + "a".repeat(200_000);
    long t0 = System.nanoTime();
    int[] ids = qwen.encode(s);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(s, qwen.decode(ids));
    org.junit.jupiter.api.Assertions.assertTrue(ms < 5000, "took " + ms + " ms");
  }

  private static List<String> pieces(PreTokenizer p, String s) {
    List<String> out = new ArrayList<>();
    p.split(s, 0, s.length(), (str, a, b) -> out.add(str.substring(a, b)));
    return out;
  }

  private static List<String> regexPieces(java.util.regex.Pattern regex, String s) {
    List<String> out = new ArrayList<>();
    Matcher m = regex.matcher(s);
    int prev = 0;
    while (m.find()) {
      if (m.start() > prev) {
        out.add(s.substring(prev, m.start()));
      }
      out.add(m.group());
      prev = m.end();
    }
    if (prev < s.length()) {
      out.add(s.substring(prev));
    }
    return out;
  }

  private static BpeModel bpeOf(Tokenizer t) throws Exception {
    var f = BpeTokenizer.class.getDeclaredField("model");
    f.setAccessible(true);
    return (BpeModel) f.get(t);
  }

  @Test
  void encodeIsDeterministicAcrossThreads() throws Exception {
    List<String> qs = QwenTokenizerTest.questions("math500_test.json");
    List<int[]> expected = new ArrayList<>();
    for (String q : qs) {
      expected.add(reference.encode(q));
    }
    Tokenizer fresh = Tokenizers.fromFile(TestAssets.require(TestAssets.QWEN3_TOKENIZER));
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      int offset = t;
      Thread th =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < qs.size(); i++) {
                    int k = (i * 7 + offset * 131) % qs.size();
                    assertArrayEquals(expected.get(k), fresh.encode(qs.get(k)));
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
              });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    assertEquals(List.of(), errors);
  }
}
