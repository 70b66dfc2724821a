package io.rstar4j.examples.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.Objects;

/**
 * JSON lines (one JSON value per line): read with their 1-based line numbers, written compactly.
 *
 * <p>Reading never stops at a bad line. Each line comes as a {@link Line}; what a bad line means
 * (skipped with a message, an error record written in its place, a failure at the end of the run)
 * is the caller's contract. A line's checks throw {@link LineException}, which knows the source and
 * the line: {@link Line#parse()} and {@link Line#object(String)} are the first of them, and checks
 * of single fields ({@code file:line: field X: expected ..., got ...}) belong beside them, built
 * with {@link Line#error(String)}.
 *
 * <pre>{@code
 * try (JsonLines.LineReader lines = JsonLines.reader(in, "<stdin>", JsonLines.Breaks.ANY)) {
 *   for (JsonLines.Line line; (line = lines.next()) != null; ) {
 *     try {
 *       out.println(JsonLines.toLine(answer(line.object("{\"question\": ...}"))));
 *     } catch (JsonLines.LineException e) {
 *       err.println(e.getMessage()); // <stdin>:7: expected a JSON object {"question": ...}
 *     }
 *   }
 * }
 * }</pre>
 */
final class JsonLines {
  private static final Gson COMPACT =
      new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
  private static final String STRICTNESS_HINT =
      "^Use JsonReader\\.setStrictness\\(Strictness\\.LENIENT\\) to accept malformed JSON";

  private JsonLines() {}

  /** Where lines end. */
  public enum Breaks {
    /** At {@code \n}, {@code \r} or {@code \r\n}, as {@link BufferedReader#readLine()} splits. */
    ANY,
    /**
     * At {@code \n} only, a {@code \r} just before it dropped: for text lines that may hold a bare
     * {@code \r}.
     */
    LF
  }

  /**
   * Reads lines from {@code in}.
   *
   * @param source the name of the input in messages: a file name, {@code <stdin>}
   * @throws NullPointerException if an argument is null
   */
  public static LineReader reader(Reader in, String source, Breaks breaks) {
    return new LineReader(in, source, breaks);
  }

  /**
   * One JSON value as one compact line (no line break, no spaces, nulls written, {@code <>&='} not
   * escaped), without the line break.
   */
  public static String toLine(JsonElement value) {
    return COMPACT.toJson(Objects.requireNonNull(value, "value"));
  }

  /**
   * One line of input.
   *
   * @param source the input's name
   * @param number the 1-based line number
   * @param text the line without its line break
   */
  public record Line(String source, long number, String text) {
    /**
     * Validates the parts.
     *
     * @throws NullPointerException if {@code source} or {@code text} is null
     * @throws IllegalArgumentException if {@code number < 1}
     */
    public Line {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(text, "text");
      if (number < 1) {
        throw new IllegalArgumentException("line numbers start at 1, was " + number);
      }
    }

    /** Whether the line holds only white space. */
    public boolean isBlank() {
      return text.isBlank();
    }

    /**
     * The line's JSON value, parsed as Gson's {@link JsonParser#parseString} does (leniently).
     *
     * @throws LineException "not valid JSON: ..." with the parser's first line, its cause the
     *     parser's exception
     */
    public JsonElement parse() {
      try {
        return JsonParser.parseString(text);
      } catch (RuntimeException e) {
        Throwable why =
            e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
        throw new LineException(this, "not valid JSON: " + plain(why.getMessage()), e);
      }
    }

    /**
     * The line's JSON object.
     *
     * @param shape the object's shape for the message, e.g. {@code {"gold": ..., "pred": ...}}
     * @throws LineException as {@link #parse()} does, or "expected a JSON object SHAPE"
     */
    public JsonObject object(String shape) {
      JsonElement e = parse();
      if (!e.isJsonObject()) {
        throw error("expected a JSON object " + shape);
      }
      return e.getAsJsonObject();
    }

    /** A failure of this line: its message is {@code source:number: reason}. */
    public LineException error(String reason) {
      return new LineException(this, reason, null);
    }

    /** The parser's complaint without its internals: no class names, hints or JSON paths. */
    static String plain(String parserMessage) {
      String m = firstLine(parserMessage).replaceFirst(STRICTNESS_HINT, "malformed JSON");
      m = m.replaceFirst("^(com\\.google\\.gson\\.|java\\.)[\\w.$]+: ", "");
      m = m.replaceAll(" path \\$\\S*", "");
      m = m.replaceFirst(" at line 1 column (\\d+)", " at column $1");
      return m.isBlank() ? "parse error" : m;
    }

    private static String firstLine(String s) {
      if (s == null) {
        return "parse error";
      }
      int nl = s.indexOf('\n');
      return nl < 0 ? s : s.substring(0, nl);
    }
  }

  /**
   * How a JSON value reads in an error message ("expected a list of strings, got a string"): {@code
   * missing} for null (an absent field), {@code null}, {@code a string}, {@code a number}, {@code a
   * boolean}, {@code a list}, {@code an object}.
   */
  public static String describe(JsonElement e) {
    if (e == null) {
      return "nothing (the field is missing)";
    }
    if (e.isJsonNull()) {
      return "null";
    }
    if (e.isJsonArray()) {
      return "a list";
    }
    if (e.isJsonObject()) {
      return "an object";
    }
    com.google.gson.JsonPrimitive p = e.getAsJsonPrimitive();
    return p.isString() ? "a string" : p.isNumber() ? "a number" : "a boolean";
  }

  /** A line that could not be used: {@link #getMessage()} is {@code source:line: reason}. */
  public static final class LineException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final transient Line line;
    private final String reason;

    LineException(Line line, String reason, Throwable cause) {
      super(line.source() + ":" + line.number() + ": " + reason, cause);
      this.line = line;
      this.reason = reason;
    }

    /** The line. */
    public Line line() {
      return line;
    }

    /** What was wrong, without the source and the line number. */
    public String reason() {
      return reason;
    }
  }

  /** Lines of one input, numbered from 1. Closing it closes the input. */
  public static final class LineReader implements Closeable {
    private final BufferedReader in;
    private final String source;
    private final Breaks breaks;
    private final StringBuilder buf = new StringBuilder();
    private long number;

    private LineReader(Reader in, String source, Breaks breaks) {
      Objects.requireNonNull(in, "in");
      this.in = in instanceof BufferedReader b ? b : new BufferedReader(in, 1 << 16);
      this.source = Objects.requireNonNull(source, "source");
      this.breaks = Objects.requireNonNull(breaks, "breaks");
    }

    /**
     * The next line, or null at the end of the input.
     *
     * @throws IOException when reading fails
     */
    public Line next() throws IOException {
      String text = breaks == Breaks.ANY ? in.readLine() : readToLf();
      if (text == null) {
        return null;
      }
      return new Line(source, ++number, text);
    }

    /** The number of lines read so far. */
    public long count() {
      return number;
    }

    /**
     * Whether more input can be read without blocking (see {@link BufferedReader#ready()}).
     *
     * @throws IOException when the input fails
     */
    public boolean ready() throws IOException {
      return in.ready();
    }

    private String readToLf() throws IOException {
      buf.setLength(0);
      int c = in.read();
      if (c < 0) {
        return null;
      }
      while (c >= 0 && c != '\n') {
        buf.append((char) c);
        c = in.read();
      }
      int n = buf.length();
      if (n > 0 && buf.charAt(n - 1) == '\r') {
        buf.setLength(n - 1);
      }
      return buf.toString();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
