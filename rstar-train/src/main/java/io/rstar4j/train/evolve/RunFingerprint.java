package io.rstar4j.train.evolve;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.rstar4j.core.Problem;
import io.rstar4j.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What produced an output: named fields (the problem set's digest, the search configuration, the
 * models, the seeds) in a fixed order, saved as one JSON object next to the output. A rerun
 * compares its own fingerprint with the saved one and resumes only when they match ({@link Rerun}).
 */
public final class RunFingerprint {
  /** The field holding the problem set's digest. */
  public static final String PROBLEM_SET = "problem_set";

  private final Map<String, String> fields;

  private RunFingerprint(Map<String, String> fields) {
    this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /**
   * A fingerprint of these fields, in their iteration order.
   *
   * @throws NullPointerException if a key or value is null
   */
  public static RunFingerprint of(Map<String, String> fields) {
    for (Map.Entry<String, String> e : fields.entrySet()) {
      Objects.requireNonNull(e.getKey(), "field name");
      Objects.requireNonNull(e.getValue(), e.getKey());
    }
    return new RunFingerprint(fields);
  }

  /** The fields, in order. */
  public Map<String, String> fields() {
    return fields;
  }

  /** This fingerprint with one field set (added at the end when new). */
  public RunFingerprint with(String name, String value) {
    Map<String, String> m = new LinkedHashMap<>(fields);
    m.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, name));
    return new RunFingerprint(m);
  }

  /**
   * A digest of a problem set: its size and a hash of every id, question and gold answer, in order.
   */
  public static String problemSet(List<Problem> problems) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Problem p : problems) {
        for (String s : List.of(p.id(), p.question())) {
          md.update(s.getBytes(StandardCharsets.UTF_8));
          md.update((byte) 0);
        }
        for (String g : p.goldAnswers()) {
          md.update(g.getBytes(StandardCharsets.UTF_8));
          md.update((byte) 1);
        }
        md.update((byte) 2);
      }
      return problems.size()
          + " problems, sha256 "
          + java.util.HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The names of the fields whose values differ (or that only one side has), in order. */
  public List<String> differences(RunFingerprint other) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (!e.getValue().equals(other.fields.get(e.getKey()))) {
        out.add(e.getKey());
      }
    }
    for (String k : other.fields.keySet()) {
      if (!fields.containsKey(k)) {
        out.add(k);
      }
    }
    return out;
  }

  /** "field: saved X, now Y" for each differing field. */
  List<String> describeDifferences(RunFingerprint now) {
    List<String> out = new ArrayList<>();
    for (String k : differences(now)) {
      out.add(
          k
              + ": was "
              + Optional.ofNullable(fields.get(k)).orElse("(none)")
              + ", now "
              + Optional.ofNullable(now.fields.get(k)).orElse("(none)"));
    }
    return out;
  }

  /**
   * Reads a saved fingerprint, if the file exists.
   *
   * @throws IOException if it cannot be read, or is not a JSON object of strings (naming the file)
   */
  public static Optional<RunFingerprint> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    try {
      JsonElement e = JsonParser.parseString(text);
      if (!e.isJsonObject()) {
        throw new IOException(file + ": expected a JSON object of the run's settings");
      }
      Map<String, String> m = new LinkedHashMap<>();
      for (Map.Entry<String, JsonElement> f : e.getAsJsonObject().entrySet()) {
        if (!f.getValue().isJsonPrimitive()) {
          throw new IOException(
              file + ": field " + f.getKey() + ": expected a string, got " + f.getValue());
        }
        m.put(f.getKey(), f.getValue().getAsString());
      }
      return Optional.of(new RunFingerprint(m));
    } catch (JsonParseException | IllegalStateException x) {
      throw new IOException(
          file + ": not a saved run fingerprint (malformed JSON); remove it to start over", x);
    }
  }

  /**
   * Writes this fingerprint atomically.
   *
   * @throws IOException naming the file when it cannot be written
   */
  public void write(Path file) throws IOException {
    JsonObject o = new JsonObject();
    fields.forEach(o::addProperty);
    AtomicFiles.writeString(file, o + "\n");
  }

  /**
   * Moves an earlier run aside, to {@code NAME.old-yyyyMMdd-HHmmss} (a counter is added when
   * taken).
   *
   * @return where it went
   * @throws IOException when the move fails
   */
  static Path moveAside(Path p) throws IOException {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path to = p.resolveSibling(p.getFileName() + ".old-" + stamp);
    for (int i = 2; Files.exists(to); i++) {
      to = p.resolveSibling(p.getFileName() + ".old-" + stamp + "-" + i);
    }
    return Files.move(p, to);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RunFingerprint f && f.fields.equals(fields);
  }

  @Override
  public int hashCode() {
    return fields.hashCode();
  }

  @Override
  public String toString() {
    return fields.toString();
  }
}
