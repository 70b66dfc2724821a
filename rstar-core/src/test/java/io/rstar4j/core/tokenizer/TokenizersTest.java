package io.rstar4j.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader and the BPE on small hand-made tokenizers whose ids can be worked out by hand. */
class TokenizersTest {

  private static final List<String[]> MERGES =
      List.of(
          new String[] {"l", "l"},
          new String[] {"h", "e"},
          new String[] {"he", "ll"},
          new String[] {"hell", "o"},
          new String[] {"Ġ", "w"},
          new String[] {"Ġw", "o"});

  private static Tokenizer tiny(boolean arrayMerges, boolean qwenSplit) {
    return Tokenizers.fromJson(
        TinyTokenizerJson.bpe(
            MERGES, arrayMerges, qwenSplit, List.of("<|endoftext|>", "<|im_end|>")));
  }

  @Test
  void mergesApplyInRankOrderInBothForms() {
    for (boolean arrayMerges : new boolean[] {false, true}) {
      for (boolean qwen : new boolean[] {false, true}) {
        Tokenizer t = tiny(arrayMerges, qwen);
        // ids: 256 ll, 257 he, 258 hell, 259 hello, 260 Ġw, 261 Ġwo
        assertArrayEquals(new int[] {259, 261, 'r', 'l', 'd'}, t.encode("hello world"));
        assertArrayEquals(new int[] {257, 'y'}, t.encode("hey"));
        assertEquals(264, t.vocabSize());
        assertEquals(OptionalInt.of(262), t.tokenId("<|endoftext|>"));
        assertEquals(OptionalInt.of(259), t.tokenId("hello"));
        assertEquals(OptionalInt.empty(), t.tokenId("nope"));
      }
    }
  }

  @Test
  void specialTokensMatchInsideTextAndAreNotAdded() {
    Tokenizer t = tiny(true, true);
    int[] ids = t.encode("hello<|endoftext|>hello<|im_end|>");
    assertArrayEquals(new int[] {259, 262, 259, 263}, ids);
    assertEquals("hello<|endoftext|>hello<|im_end|>", t.decode(ids));
    assertEquals("hellohello", t.decode(ids, true));
    assertArrayEquals(
        t.encode("x"), t.encode("x", true), "a ByteLevel post-processor adds nothing");
    // a broken special token is plain text
    assertEquals("<|endoftext|", t.decode(t.encode("<|endoftext|")));
  }

  @Test
  void templatePostProcessorAddsSpecialTokensOnlyWhenAsked() {
    String json =
        TinyTokenizerJson.bpe(MERGES, false, true, List.of("<|endoftext|>", "<|im_end|>"))
            .replaceFirst(
                "\"post_processor\":\\{[^}]*\\}",
                "\"post_processor\":{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":\"<|im_end|>\",\"type_id\":0}},"
                    + "{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},{\"SpecialToken\":{\"id\":\"<|endoftext|>\",\"type_id\":0}}],"
                    + "\"pair\":[],\"special_tokens\":{\"<|endoftext|>\":{\"id\":\"<|endoftext|>\",\"ids\":[262],\"tokens\":[\"<|endoftext|>\"]}}}");
    Tokenizer t = Tokenizers.fromJson(json);
    assertArrayEquals(new int[] {259}, t.encode("hello"));
    assertArrayEquals(new int[] {259}, t.encode("hello", false));
    assertArrayEquals(new int[] {263, 259, 262}, t.encode("hello", true));
  }

  @Test
  void bytesOfMultiByteCharactersRoundTrip() {
    Tokenizer t = tiny(false, true);
    String s = "héllo wörld ∑ 😀 中文\n\n  \t";
    int[] ids = t.encode(s);
    assertEquals(
        s.getBytes(StandardCharsets.UTF_8).length - 2, ids.length, "two merges apply: ll and Ġw");
    assertEquals(s, t.decode(ids));
  }

  @Test
  void streamingDecoderHoldsBackPartialCharacters() {
    Tokenizer t = tiny(false, true);
    int[] ids = t.encode("a😀b");
    assertEquals(6, ids.length);
    Tokenizer.StreamingDecoder d = t.streamingDecoder();
    assertEquals("a", d.push(ids[0]));
    assertEquals("", d.push(ids[1]));
    assertEquals("", d.push(ids[2]));
    assertEquals("", d.push(ids[3]));
    assertEquals("😀", d.push(ids[4]));
    assertEquals("b", d.push(ids[5]));
    assertEquals("", d.flush());
    // an incomplete character at the end is flushed as U+FFFD
    assertEquals("", d.push(ids[1]));
    assertEquals("\uFFFD", d.flush());
  }

  @Test
  void fromFileReadsFilesAndDirectories(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("tokenizer.json");
    Files.writeString(f, TinyTokenizerJson.bpe(MERGES, false, true, List.of("<|endoftext|>")));
    assertArrayEquals(new int[] {259}, Tokenizers.fromFile(f).encode("hello"));
    assertArrayEquals(new int[] {259}, Tokenizers.fromFile(dir).encode("hello"));
  }

  @Test
  void missingFileIsAClearError(@TempDir Path dir) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Tokenizers.fromFile(dir.resolve("nope.json")));
    assertTrue(
        e.getMessage().contains("not found") && e.getMessage().contains("nope.json"),
        e.getMessage());
  }

  @Test
  void unsupportedModelTypeIsNamed() {
    String unigram = "{\"model\":{\"type\":\"Unigram\",\"vocab\":[[\"a\",0.0]]}}";
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Tokenizers.fromJson(unigram));
    assertTrue(e.getMessage().contains("'Unigram'"), e.getMessage());
  }

  @Test
  void otherBadJsonIsAClearError() {
    assertMessage("{not json", "not valid JSON");
    assertMessage("[1,2]", "not a Hugging Face tokenizer.json");
    assertMessage(
        "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0},\"merges\":[]}}",
        "without a ByteLevel pre-tokenizer");
    String missingByte =
        TinyTokenizerJson.bpe(List.of(), false, false, List.of())
            .replace("\"" + TinyTokenizerJson.sym('a') + "\":97,", "");
    assertMessage(missingByte, "no token for byte 0x61");
    String badMerge =
        TinyTokenizerJson.bpe(List.<String[]>of(new String[] {"a", "b"}), false, false, List.of())
            .replace("\"a b\"", "\"a q b\"");
    assertMessage(badMerge, "merge 0");
    String wrongShape =
        TinyTokenizerJson.bpe(List.of(), false, false, List.of())
            .replace("\"merges\":[]", "\"merges\":{}");
    assertMessage(wrongShape, "malformed tokenizer.json");
  }

  @Test
  void decodingAnUnknownIdIsAClearError() {
    Tokenizer t = tiny(false, true);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {1, 100000}));
    assertTrue(e.getMessage().contains("100000"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> t.streamingDecoder().push(-1));
  }

  private static void assertMessage(String json, String part) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Tokenizers.fromJson(json));
    assertTrue(
        e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
  }
}
