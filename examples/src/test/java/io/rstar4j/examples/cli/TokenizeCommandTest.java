package io.rstar4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.rstar4j.core.tokenizer.Tokenizer;
import io.rstar4j.core.tokenizer.Tokenizers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizeCommandTest {
  @TempDir static Path dir;
  static Path tokenizerFile;
  static Tokenizer tokenizer;

  /** A byte-level BPE: 256 byte symbols in byte order, merges "h e" and "l l", <|endoftext|>. */
  @BeforeAll
  static void writeTokenizer() throws Exception {
    JsonObject vocab = new JsonObject();
    int n = 0;
    char[] sym = new char[256];
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      sym[b] = printable ? (char) b : (char) (256 + n++);
      vocab.addProperty(String.valueOf(sym[b]), b);
    }
    vocab.addProperty("he", 256);
    vocab.addProperty("ll", 257);
    JsonArray merges = new JsonArray();
    merges.add("h e");
    merges.add("l l");
    JsonObject model = new JsonObject();
    model.addProperty("type", "BPE");
    model.add("vocab", vocab);
    model.add("merges", merges);
    JsonObject eot = new JsonObject();
    eot.addProperty("id", 258);
    eot.addProperty("content", "<|endoftext|>");
    eot.addProperty("special", true);
    JsonArray added = new JsonArray();
    added.add(eot);
    JsonObject byteLevel = new JsonObject();
    byteLevel.addProperty("type", "ByteLevel");
    byteLevel.addProperty("add_prefix_space", false);
    JsonObject root = new JsonObject();
    root.add("added_tokens", added);
    root.add("pre_tokenizer", byteLevel);
    root.add("decoder", byteLevel);
    root.add("model", model);
    tokenizerFile = dir.resolve("tokenizer.json");
    Files.writeString(tokenizerFile, new Gson().toJson(root));
    tokenizer = Tokenizers.fromFile(tokenizerFile);
  }

  record Result(int code, String out, String err) {}

  static Result run(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Rstar.run(
            Arrays.asList(args),
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static String ids(String text) {
    int[] ids = tokenizer.encode(text);
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < ids.length; i++) {
      sb.append(i > 0 ? "," : "").append(ids[i]);
    }
    return sb.append(']').toString();
  }

  @Test
  void oneArrayPerLineInOrder() {
    Result r =
        run(
            "hello\n\nhe said <|endoftext|> é😀\r\nlast line without newline",
            "tokenize",
            "--tokenizer",
            tokenizerFile.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(
        "[256,257,111]\n[]\n"
            + ids("he said <|endoftext|> é😀")
            + "\n"
            + ids("last line without newline")
            + "\n",
        r.out());
    assertTrue(r.out().contains(",258,"), "the special token inside the text is its id");
    assertEquals("", r.err());
  }

  @Test
  void emptyInputGivesNoOutput() {
    Result r = run("", "tokenize", "--tokenizer", tokenizerFile.toString());
    assertEquals(0, r.code());
    assertEquals("", r.out());
  }

  @Test
  void jsonLinesHoldNewlines() {
    Result r =
        run(
            "\"two\\nlines\"\n\"tab\\there \\u00e9\"\n\"\"\n",
            "tokenize",
            "--tokenizer",
            tokenizerFile.toString(),
            "--json-lines");
    assertEquals(0, r.code(), r.err());
    assertEquals(ids("two\nlines") + "\n" + ids("tab\there é") + "\n[]\n", r.out());
  }

  @Test
  void badJsonLinesAreReportedWithTheirNumberAndKeepTheLineCount() {
    Result r =
        run(
            "\"ok\"\nnot json\n[1,2]\n\"unterminated\n\n'single'\n\"ok\" trailing\n\"fine\"\n",
            "tokenize",
            "--tokenizer",
            tokenizerFile.toString(),
            "--json-lines");
    assertEquals(1, r.code());
    List<String> lines = r.out().lines().toList();
    assertEquals(List.of(ids("ok"), "", "", "", "", "", "", ids("fine")), lines);
    for (int line = 2; line <= 7; line++) {
      assertTrue(r.err().contains("line " + line + ":"), "line " + line + " reported: " + r.err());
    }
    assertTrue(r.err().contains("line 3: expected a JSON string"), r.err());
    assertTrue(r.err().contains("6 of 8 lines"), r.err());
  }

  @Test
  void missingTokenizerIsAClearError() {
    Result r = run("x\n", "tokenize", "--tokenizer", dir.resolve("missing.json").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("tokenizer file not found"), r.err());
    assertEquals("", r.out());
    Result usage = run("x\n", "tokenize");
    assertEquals(2, usage.code());
    assertTrue(usage.err().contains("missing required option --tokenizer"), usage.err());
  }

  @Test
  void realQwenTokenizerWhenAvailable() throws Exception {
    Path qwen = null;
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path c = d.resolve(".cache/test-assets/tokenizer-qwen3/tokenizer.json");
      if (Files.isRegularFile(c)) {
        qwen = c;
        break;
      }
    }
    Assumptions.assumeTrue(
        qwen != null || System.getenv("CI") != null,
        "Qwen tokenizer not fetched (bash .ci/install.d/20-test-assets.sh)");
    assertTrue(qwen != null, "CI must fetch .cache/test-assets/tokenizer-qwen3/tokenizer.json");
    Result r = run("Hello world<|endoftext|>\n", "tokenize", "--tokenizer", qwen.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("[9707,1879,151643]\n", r.out());
  }
}
