package io.rstar4j.train.evolve;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.rstar4j.core.Problem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads benchmark problems: a JSON array of {@code {"index", "question", "answer"}} objects (the
 * reference's {@code eval_data/} format; {@code answer} a string or a list of accepted strings), or
 * the same objects as JSON lines. Problem ids are the {@code index} values (or, when absent, the
 * 0-based position); they must be unique.
 *
 * <p>The shipped benchmark sets ({@link #SHIPPED}) are resources of this module (the rstar-train
 * jar carries them, in {@code io/rstar4j/train/evolve/benchmarks/}).
 */
public final class Benchmarks {

  /**
   * Shipped benchmark names (lower case) and their file names (resources of this class's package).
   */
  public static final Map<String, String> SHIPPED = shipped();

  private static final Pattern LINE = Pattern.compile("line (\\d+)");

  private Benchmarks() {}

  private static Map<String, String> shipped() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("math500", "math500_test.json");
    m.put("gsm8k", "GSM8K_test.json");
    m.put("math", "MATH_test.json");
    m.put("aime2024", "aime2024_test.json");
    m.put("amc23", "amc23_test.json");
    m.put("collegemath", "collegemath_test.json");
    m.put("gaokao2023en", "gaokao2023en_test.json");
    m.put("olympiadbench", "olympiadbench_test.json");
    m.put("omni", "omni_test.json");
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * Whether a name is a shipped benchmark (case-insensitive, e.g. {@code math500}, {@code MATH},
   * {@code gsm8k}).
   */
  public static boolean isShipped(String name) {
    return SHIPPED.containsKey(name.trim().toLowerCase(Locale.ROOT));
  }

  /**
   * Loads a file, or a shipped benchmark when {@code fileOrName} names one and no such file exists.
   *
   * @throws IllegalArgumentException when the file is malformed (the message names the file and
   *     line) or neither a file nor a shipped name
   * @throws IOException when the file cannot be read
   */
  public static List<Problem> load(String fileOrName) throws IOException {
    Path p = Path.of(fileOrName);
    if (!Files.exists(p) && isShipped(fileOrName)) {
      return shipped(fileOrName);
    }
    if (!Files.exists(p)) {
      throw new IllegalArgumentException(
          "no such benchmark file: "
              + fileOrName
              + " (and not a shipped benchmark: "
              + String.join(", ", SHIPPED.keySet())
              + ")");
    }
    return load(p);
  }

  /**
   * Loads a benchmark file.
   *
   * @throws IllegalArgumentException when it is malformed; the message names the file and line
   * @throws NoSuchFileException when it does not exist
   */
  public static List<Problem> load(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(r, file.toString());
    }
  }

  /**
   * Loads a shipped benchmark by name (case-insensitive).
   *
   * @throws IllegalArgumentException for an unknown name, or when the set is missing from the jar
   */
  public static List<Problem> shipped(String name) throws IOException {
    String file = SHIPPED.get(name.trim().toLowerCase(Locale.ROOT));
    if (file == null) {
      throw new IllegalArgumentException(
          "unknown benchmark '"
              + name
              + "' (shipped: "
              + String.join(", ", SHIPPED.keySet())
              + ")");
    }
    String resource = "benchmarks/" + file;
    InputStream in = Benchmarks.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalArgumentException(
          "benchmark '"
              + name
              + "' is missing from the rstar-train jar (io/rstar4j/train/evolve/"
              + resource
              + ")");
    }
    try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      return parse(r, resource);
    }
  }

  /**
   * Parses a JSON array of problems, or JSON lines of problem objects.
   *
   * @param source named in error messages
   * @throws IllegalArgumentException when malformed: {@code SOURCE:LINE: what is wrong}
   */
  public static List<Problem> parse(Reader reader, String source) {
    String text;
    try {
      StringBuilder sb = new StringBuilder();
      char[] buf = new char[8192];
      int n;
      while ((n = reader.read(buf)) != -1) {
        sb.append(buf, 0, n);
      }
      text = sb.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(source + ": " + e.getMessage(), e);
    }
    int i = 0;
    int line = 1;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      if (text.charAt(i) == '\n') {
        line++;
      }
      i++;
    }
    if (i == text.length()) {
      throw new IllegalArgumentException(source + ": empty, expected a JSON array of problems");
    }
    char c = text.charAt(i);
    try {
      if (c == '{') {
        return parseLines(new BufferedReader(new StringReader(text)), source);
      }
      if (c != '[') {
        throw new IllegalArgumentException(
            source
                + ":"
                + line
                + ": expected a JSON array of {\"index\", \"question\", \"answer\"} objects");
      }
      return parseArray(new StringReader(text), source);
    } catch (IOException e) {
      throw new UncheckedIOException(source + ": " + e.getMessage(), e);
    }
  }

  private static List<Problem> parseArray(Reader reader, String source) throws IOException {
    List<Problem> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    JsonReader json = new JsonReader(reader);
    json.setStrictness(Strictness.LEGACY_STRICT);
    try {
      json.beginArray();
      while (json.hasNext()) {
        int line = lineOf(json);
        if (json.peek() != JsonToken.BEGIN_OBJECT) {
          throw new IllegalArgumentException(
              source + ":" + line + ": problem " + out.size() + " is not a JSON object");
        }
        JsonElement e = JsonParser.parseReader(json);
        out.add(toProblem(e.getAsJsonObject(), out.size(), source + ":" + line, ids));
      }
      json.endArray();
      if (json.peek() != JsonToken.END_DOCUMENT) {
        throw new IllegalArgumentException(
            source + ":" + lineOf(json) + ": unexpected content after the array");
      }
    } catch (IllegalStateException | com.google.gson.JsonParseException | java.io.EOFException e) {
      throw new IllegalArgumentException(
          source + ":" + lineOf(json) + ": malformed JSON: " + firstLine(e.getMessage()), e);
    } catch (com.google.gson.stream.MalformedJsonException e) {
      throw new IllegalArgumentException(
          source + ":" + lineOf(json) + ": malformed JSON: " + firstLine(e.getMessage()), e);
    }
    return out;
  }

  private static List<Problem> parseLines(BufferedReader in, String source) throws IOException {
    List<Problem> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    int lineNo = 0;
    String line;
    while ((line = in.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      JsonElement e;
      try {
        e = JsonParser.parseString(line);
      } catch (RuntimeException ex) {
        throw new IllegalArgumentException(
            source + ":" + lineNo + ": malformed JSON: " + firstLine(ex.getMessage()), ex);
      }
      if (!e.isJsonObject()) {
        throw new IllegalArgumentException(source + ":" + lineNo + ": not a JSON object");
      }
      out.add(toProblem(e.getAsJsonObject(), out.size(), source + ":" + lineNo, ids));
    }
    return out;
  }

  private static Problem toProblem(JsonObject o, int position, String where, Set<String> ids) {
    String id;
    JsonElement index = o.get("index");
    if (index == null || index.isJsonNull()) {
      id = Integer.toString(position);
    } else if (index.isJsonPrimitive()) {
      id =
          index.getAsJsonPrimitive().isNumber()
              ? new java.math.BigDecimal(index.getAsString()).stripTrailingZeros().toPlainString()
              : index.getAsString();
    } else {
      throw new IllegalArgumentException(where + ": \"index\" must be a number or a string");
    }
    JsonElement q = o.get("question");
    if (q == null || !q.isJsonPrimitive() || !q.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException(
          where + ": problem " + id + ": missing or non-string \"question\"");
    }
    if (q.getAsString().isBlank()) {
      throw new IllegalArgumentException(where + ": problem " + id + ": blank \"question\"");
    }
    List<String> gold = new ArrayList<>();
    JsonElement a = o.get("answer");
    if (a == null || a.isJsonNull()) {
      // no gold answer: a test-time problem
    } else if (a.isJsonPrimitive()) {
      gold.add(a.getAsString());
    } else if (a.isJsonArray()) {
      for (JsonElement x : a.getAsJsonArray()) {
        if (!x.isJsonPrimitive()) {
          throw new IllegalArgumentException(
              where + ": problem " + id + ": \"answer\" must be a string or a list of strings");
        }
        gold.add(x.getAsString());
      }
    } else {
      throw new IllegalArgumentException(
          where + ": problem " + id + ": \"answer\" must be a string or a list of strings");
    }
    if (!ids.add(id)) {
      throw new IllegalArgumentException(where + ": duplicate problem index " + id);
    }
    return new Problem(id, q.getAsString(), gold);
  }

  /** The reader's current line, from its location text ("at line N column M path ..."). */
  private static int lineOf(JsonReader json) {
    Matcher m = LINE.matcher(json.toString());
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unexpected end of input";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
