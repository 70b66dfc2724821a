package io.rstar4j.examples.cli;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.rstar4j.core.tokenizer.Tokenizer;
import io.rstar4j.core.tokenizer.Tokenizers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code rstar tokenize --tokenizer FILE [--json-lines]}: each line of standard input becomes one
 * JSON array of token ids on standard output, in order, no special tokens added.
 */
final class TokenizeCommand implements Command {

  @Override
  public String name() {
    return "tokenize";
  }

  @Override
  public String summary() {
    return "token ids of each input line (Hugging Face tokenizer.json, pure Java)";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "usage: rstar tokenize --tokenizer FILE [--json-lines] < input > output",
        "",
        "Reads UTF-8 lines from standard input and writes, for each line, one JSON array of",
        "token ids (no special tokens added; special tokens written inside the text, such as",
        "<|endoftext|>, become their ids) on its own line of standard output, in order.",
        "",
        "  --tokenizer FILE  a Hugging Face tokenizer.json (byte-level BPE such as Qwen's, or",
        "                    WordPiece), or a directory holding one",
        "  --json-lines      each input line is a JSON string (\"...\"), so texts may hold newlines",
        "",
        "Lines end at \\n; a \\r before it is dropped. Without --json-lines a line is the text itself.",
        "With --json-lines, a line that is not exactly one JSON string is reported on standard",
        "error with its line number, an empty line is written in its place (so output line N",
        "still belongs to input line N), the rest is processed, and the exit status is 1.");
  }

  @Override
  public int run(List<String> args, InputStream in, PrintStream out, PrintStream err)
      throws IOException {
    Args a = Args.parse(args, Set.of("tokenizer"), Set.of("json-lines"));
    if (!a.positional().isEmpty()) {
      throw new UsageException("unexpected argument '" + a.positional().get(0) + "'");
    }
    boolean jsonLines = a.has("json-lines");
    Tokenizer tokenizer = Tokenizers.fromFile(Path.of(a.require("tokenizer")));
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    StringBuilder line = new StringBuilder();
    StringBuilder buf = new StringBuilder();
    long lineNo = 0;
    long bad = 0;
    while (readLine(reader, line)) {
      lineNo++;
      String text = line.toString();
      if (jsonLines) {
        try {
          text = parseJsonString(text);
        } catch (IllegalArgumentException e) {
          bad++;
          err.println(
              "rstar tokenize: line "
                  + lineNo
                  + ": "
                  + e.getMessage()
                  + "; wrote an empty line in its place");
          out.print('\n');
          continue;
        }
      }
      buf.setLength(0);
      buf.append('[');
      int[] ids = tokenizer.encode(text);
      for (int i = 0; i < ids.length; i++) {
        if (i > 0) {
          buf.append(',');
        }
        buf.append(ids[i]);
      }
      buf.append("]\n");
      out.print(buf);
      if (!reader.ready()) {
        out.flush(); // interactive use: answer each line as it comes
      }
    }
    out.flush();
    if (bad > 0) {
      err.println("rstar tokenize: " + bad + " of " + lineNo + " lines were not JSON strings");
      return 1;
    }
    return 0;
  }

  /** Reads up to the next \n (dropping a \r before it); false at the end of the input. */
  private static boolean readLine(Reader r, StringBuilder line) throws IOException {
    line.setLength(0);
    int c = r.read();
    if (c < 0) {
      return false;
    }
    while (c >= 0 && c != '\n') {
      line.append((char) c);
      c = r.read();
    }
    int n = line.length();
    if (n > 0 && line.charAt(n - 1) == '\r') {
      line.setLength(n - 1);
    }
    return true;
  }

  /** The string of a line holding exactly one JSON string, strictly parsed. */
  static String parseJsonString(String line) {
    String shown = line.length() > 60 ? line.substring(0, 60) + "..." : line;
    try (JsonReader r = new JsonReader(new StringReader(line))) {
      r.setStrictness(com.google.gson.Strictness.STRICT);
      JsonToken first = r.peek();
      if (first != JsonToken.STRING || !line.strip().startsWith("\"")) {
        throw new IllegalArgumentException(
            "expected a JSON string such as \"text\", found " + describe(first) + ": " + shown);
      }
      String s = r.nextString();
      if (r.peek() != JsonToken.END_DOCUMENT) {
        throw new IllegalArgumentException("unexpected content after the JSON string: " + shown);
      }
      return s;
    } catch (IOException | IllegalStateException e) {
      String m =
          line.isBlank() ? "empty line, expected a JSON string" : "not a JSON string: " + shown;
      throw new IllegalArgumentException(m, e);
    }
  }

  private static String describe(JsonToken t) {
    switch (t) {
      case BEGIN_ARRAY:
        return "an array";
      case BEGIN_OBJECT:
        return "an object";
      case NUMBER:
        return "a number";
      case BOOLEAN:
        return "a boolean";
      case NULL:
        return "null";
      default:
        return t.toString().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
