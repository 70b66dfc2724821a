package io.rstar4j.train.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An SFT file read into memory: the {@code {"query", "response"}} records in file order and the
 * malformed lines that were skipped.
 *
 * @param records the records
 * @param errors malformed lines, with their numbers
 */
public record SftFile(List<SftRecord> records, List<LineError> errors) {
  /**
   * @throws NullPointerException if a list is null
   */
  public SftFile {
    records = List.copyOf(records);
    errors = List.copyOf(errors);
  }

  /**
   * Reads JSON lines of {@link SftRecord}; blank lines are ignored, malformed ones (not JSON, not
   * an object, {@code query} or {@code response} missing or not a string) skipped.
   *
   * @throws UncheckedIOException when reading fails
   */
  public static SftFile read(BufferedReader in) {
    List<SftRecord> records = new ArrayList<>();
    List<LineError> errors = new ArrayList<>();
    long n = 0;
    try {
      String line;
      while ((line = in.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        try {
          records.add(parse(line));
        } catch (IllegalArgumentException e) {
          errors.add(new LineError(n, "malformed SFT record: " + e.getMessage()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new SftFile(records, errors);
  }

  /**
   * Reads an SFT file.
   *
   * @throws IllegalArgumentException when the file does not exist
   * @throws IOException when reading fails
   */
  public static SftFile read(Path file) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(r);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such SFT file: " + file, e);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static SftRecord parse(String line) {
    JsonElement el;
    try {
      el = JsonParser.parseString(line);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("not JSON (" + rootMessage(e) + ")");
    }
    if (!el.isJsonObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    JsonObject o = el.getAsJsonObject();
    return new SftRecord(string(o, "query"), string(o, "response"));
  }

  private static String string(JsonObject o, String key) {
    JsonElement v = o.get(key);
    if (v == null || v.isJsonNull()) {
      throw new IllegalArgumentException("no \"" + key + "\"");
    }
    if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException("\"" + key + "\" is not a string");
    }
    return v.getAsString();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
