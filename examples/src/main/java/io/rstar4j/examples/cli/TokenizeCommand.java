package io.rstar4j.examples.cli;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.rstar4j.core.tokenizer.Tokenizer;
import io.rstar4j.core.tokenizer.Tokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rstar tokenize --tokenizer FILE [--json-lines]}: each line of standard input becomes one
 * JSON array of token ids on standard output, in order, no special tokens added.
 */
@Command(
    name = "tokenize",
    description = {
      "token ids of each input line (Hugging Face tokenizer.json, pure Java)",
      "",
      "Reads UTF-8 lines from standard input and writes, for each line, one JSON array of token ids"
          + " (no special tokens added; special tokens written inside the text, such as"
          + " <|endoftext|>, become their ids) on its own line of standard output, in order.",
      "",
      "Lines end at \\n; a \\r before it is dropped. Without --json-lines a line is the text"
          + " itself. With --json-lines, a line that is not exactly one JSON string is reported on"
          + " standard error with its line number, an empty line is written in its place (so output"
          + " line N still belongs to input line N), the rest is processed, and the exit status is"
          + " 1."
    })
final class TokenizeCommand implements RstarCommand {

  @Option(
      names = "--tokenizer",
      required = true,
      paramLabel = "FILE",
      description =
          "a Hugging Face tokenizer.json (byte-level BPE such as Qwen's, or WordPiece), or a"
              + " directory holding one")
  Path tokenizerFile;

  @Option(
      names = "--json-lines",
      arity = "0",
      description = "each input line is a JSON string (\"...\"), so texts may hold newlines")
  boolean jsonLines;

  @Override
  public int run(InputStream in, PrintStream out, PrintStream err) throws IOException {
    Tokenizer tokenizer = Tokenizers.fromFile(tokenizerFile);
    JsonLines.LineReader reader =
        JsonLines.reader(
            new InputStreamReader(in, StandardCharsets.UTF_8), "<stdin>", JsonLines.Breaks.LF);
    StringBuilder buf = new StringBuilder();
    long bad = 0;
    for (JsonLines.Line line; (line = reader.next()) != null; ) {
      String text = line.text();
      if (jsonLines) {
        try {
          text = parseJsonString(text);
        } catch (IllegalArgumentException e) {
          bad++;
          err.println(
              "rstar tokenize: line "
                  + line.number()
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
      err.println(
          "rstar tokenize: " + bad + " of " + reader.count() + " lines were not JSON strings");
      return 1;
    }
    return 0;
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
