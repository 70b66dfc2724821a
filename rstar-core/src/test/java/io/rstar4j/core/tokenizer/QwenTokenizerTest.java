package io.rstar4j.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pure-Java tokenizer against the Hugging Face (Rust) reference on the real Qwen3 tokenizer:
 * every benchmark question and a set of adversarial texts give identical ids.
 */
class QwenTokenizerTest {
  static final List<String> BENCHMARKS =
      List.of(
          "GSM8K_test.json",
          "MATH_test.json",
          "math500_test.json",
          "aime2024_test.json",
          "amc23_test.json",
          "collegemath_test.json",
          "gaokao2023en_test.json",
          "olympiadbench_test.json",
          "omni_test.json");

  static Tokenizer ours;
  static Reference reference;

  @BeforeAll
  static void load() throws Exception {
    var file = TestAssets.require(TestAssets.QWEN3_TOKENIZER);
    ours = Tokenizers.fromFile(file);
    reference = Reference.of(file);
  }

  @AfterAll
  static void close() {
    if (reference != null) {
      reference.close();
    }
  }

  static List<String> questions(String file) throws Exception {
    try (InputStream in =
        QwenTokenizerTest.class.getResourceAsStream("/tokenizer/benchmarks/" + file)) {
      List<String> out = new ArrayList<>();
      for (JsonElement e :
          JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
              .getAsJsonArray()) {
        out.add(e.getAsJsonObject().get("question").getAsString());
      }
      return out;
    }
  }

  /** Adversarial texts: LaTeX, code, CJK, emoji, white-space runs, special tokens inside text. */
  static final List<String> ADVERSARIAL =
      List.of(
          "",
          " ",
          "   ",
          "\n",
          "\n\n\n",
          " \n \n ",
          "\t\t\tx",
          "a  \n\n  b   ",
          "trailing spaces   ",
          "\r\n\r\nwindows\r\n",
          "\\frac{1}{2} + \\sqrt{x^2+y^2} = \\boxed{\\dfrac{\\pi}{4}}",
          "$$\\sum_{k=1}^{\\infty} \\frac{1}{k^2} = \\frac{\\pi^2}{6}$$",
          "\\begin{align*} x &= 3 \\\\ y &= -4.5e-10 \\end{align*}",
          "<code>\nimport sympy as sp\nx = sp.symbols('x')\nprint(sp.solve(x**2 - 4, x))\n<end_of_step>",
          "def f(n):\n    if n <= 1:\n        return 1\n    return n * f(n - 1)  # recursion\n\n\n",
          "for (int i = 0; i < n; ++i) { a[i] += b[i] >> 2; }",
          "    \n    \n        x = {'a': [1, 2, 3]}",
          "中文的数学题：求解方程 x² + 2x + 1 = 0。答案是−1。",
          "日本語のテキストと한국어 텍스트",
          "emoji 😀👍🏽 family 👨‍👩‍👧‍👦 flags 🇫🇷🇯🇵 keycap 1️⃣",
          "ZWJ\u200Dand\u200Bzero\uFEFFwidth",
          "<|endoftext|>",
          "Hello<|endoftext|>world<|im_start|>user\nhi<|im_end|>",
          "<|im_start|><|im_end|><|endoftext|><think></think>",
          "<|endoftext|  <|endoftext|>> <|im_start",
          "<think>\nLet me think.\n</think>\n\nAnswer: 42",
          "It's, I'm, we'll, they've, you're, she'd, don't, IT'S, WE'LL, 'S",
          "'s's's 'll'LL 'ſ 'Ɫ",
          "1234567890 3.14159 1,000,000 ١٢٣ ½ ⅔ ²³ Ⅻ",
          "café naïve Å Ω ﬁ ﬀ ǅ",
          "e\u0301 a\u0308 n\u0303 (combining marks, NFC composes them)",
          "Ελληνικά Русский עברית العربية हिन्दी ไทย",
          "tab\tsep\u000Bvt\u000Cff\u001Cfs\u0085nel\u00A0nbsp\u2007figure\u202Fnarrow\u3000ideo",
          "mixed\u00A0\u00A0spaces\u2003\u2003em and\u2028line\u2029para",
          "a" + "b".repeat(300),
          "x".repeat(5000),
          " ".repeat(1000) + "end",
          "\n".repeat(50) + "end" + " \n".repeat(40),
          "!!!???...,,,;;;:::---___===+++***&&&%%%$$$###@@@",
          "```python\nprint('hi')\n```",
          "http://example.com/path?query=1&b=2#frag user@example.com",
          "\u0000\u0001\u0002\u001F\u007F control chars",
          "\uFFFD replacement \uFFFF noncharacter \uE000 private use",
          "𝔸𝕓𝕔 𝟙𝟚𝟛 𠀀𠀁 (astral letters and digits)");

  @Test
  void everyBenchmarkQuestionMatchesTheReference() throws Exception {
    int total = 0;
    List<String> mismatches = new ArrayList<>();
    for (String file : BENCHMARKS) {
      List<String> qs = questions(file);
      for (int i = 0; i < qs.size(); i++) {
        String q = qs.get(i);
        int[] want = reference.encode(q);
        int[] got = ours.encode(q);
        if (!Arrays.equals(want, got) && mismatches.size() < 5) {
          mismatches.add(file + "[" + i + "]: " + describe(q, want, got));
        }
        total++;
      }
    }
    assertTrue(total > 15000, "expected all questions, got " + total);
    if (!mismatches.isEmpty()) {
      fail("ids differ from the reference on:\n" + String.join("\n", mismatches));
    }
  }

  @Test
  void adversarialTextsMatchTheReference() {
    List<String> mismatches = new ArrayList<>();
    for (String s : ADVERSARIAL) {
      int[] want = reference.encode(s);
      int[] got = ours.encode(s);
      if (!Arrays.equals(want, got)) {
        mismatches.add(describe(s, want, got));
      }
    }
    if (!mismatches.isEmpty()) {
      fail("ids differ from the reference on:\n" + String.join("\n", mismatches));
    }
  }

  @Test
  void specialTokensInsideTextBecomeTheirIds() {
    int eot = ours.tokenId("<|endoftext|>").orElseThrow();
    assertEquals(151643, eot);
    int[] ids = ours.encode("a<|endoftext|>b");
    assertEquals(3, ids.length);
    assertEquals(eot, ids[1]);
  }

  @Test
  void decodeRoundTripsAndMatchesTheReference() throws Exception {
    List<String> texts = new ArrayList<>(ADVERSARIAL);
    texts.addAll(questions("math500_test.json"));
    for (String s : texts) {
      int[] ids = ours.encode(s);
      String decoded = ours.decode(ids);
      assertEquals(Normalizer.normalize(s, Normalizer.Form.NFC), decoded, "round trip of " + s);
      assertEquals(reference.decode(ids), decoded, "decode of " + s);
    }
  }

  @Test
  void streamingDecodeEqualsDecodeAcrossSplitCharacters() {
    for (String s : ADVERSARIAL) {
      int[] ids = ours.encode(s);
      Tokenizer.StreamingDecoder d = ours.streamingDecoder();
      StringBuilder sb = new StringBuilder();
      for (int id : ids) {
        String piece = d.push(id);
        assertTrue(
            piece.indexOf('\uFFFD') < 0 || s.indexOf('\uFFFD') >= 0,
            "a partial character leaked while streaming " + s);
        sb.append(piece);
      }
      sb.append(d.flush());
      assertEquals(ours.decode(ids), sb.toString());
    }
  }

  @Test
  void loneSurrogatesEncodeAsReplacementCharacters() {
    String s = "a\uD800b\uDC00c";
    assertArrayEquals(ours.encode("a\uFFFDb\uFFFDc"), ours.encode(s));
    assertEquals("a\uFFFDb\uFFFDc", ours.decode(ours.encode(s)));
  }

  static String describe(String text, int[] want, int[] got) {
    String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
    int first = 0;
    while (first < Math.min(want.length, got.length) && want[first] == got[first]) {
      first++;
    }
    return "text "
        + escape(shown)
        + "\n  first difference at id "
        + first
        + "\n  reference "
        + Arrays.toString(
            Arrays.copyOfRange(want, Math.max(0, first - 3), Math.min(want.length, first + 8)))
        + "\n  ours      "
        + Arrays.toString(
            Arrays.copyOfRange(got, Math.max(0, first - 3), Math.min(got.length, first + 8)));
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20
          || (c >= 0x7F && c < 0xA1)
          || Character.isSurrogate(c)
          || (c >= 0x2000 && c <= 0x206F)) {
        sb.append(String.format("\\u%04X", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
