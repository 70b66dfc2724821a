package io.rstar4j.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a command's output paths before any work: an output that is also an input, two outputs
 * that are the same file, and outputs that cannot be written are refused with an error naming the
 * path, why, and what to do.
 *
 * <pre>{@code
 * OutputPaths paths = new OutputPaths().input("--trees", trees).outputFile("--sft", sft);
 * paths.checkDistinct();   // IllegalArgumentException: a usage error
 * paths.checkWritable();   // IllegalStateException: the file system refuses
 * }</pre>
 */
public final class OutputPaths {
  private final Map<String, Path> inputs = new LinkedHashMap<>();
  private final Map<String, Path> files = new LinkedHashMap<>();
  private final Map<String, Path> dirs = new LinkedHashMap<>();

  /** Adds an input (null: none). */
  public OutputPaths input(String flag, Path p) {
    if (p != null) {
      inputs.put(flag, p);
    }
    return this;
  }

  /** Adds an output file (null: none). */
  public OutputPaths outputFile(String flag, Path p) {
    if (p != null) {
      files.put(flag, p);
    }
    return this;
  }

  /** Adds an output directory (null: none). */
  public OutputPaths outputDir(String flag, Path p) {
    if (p != null) {
      dirs.put(flag, p);
    }
    return this;
  }

  /**
   * Refuses an output that is an existing input, or two outputs that are the same file (also
   * through links, and for files that do not exist yet).
   *
   * @throws IllegalArgumentException naming both flags and the path
   */
  public void checkDistinct() {
    Map<String, Path> outs = new LinkedHashMap<>(files);
    outs.putAll(dirs);
    List<Map.Entry<String, Path>> seen = new ArrayList<>();
    for (Map.Entry<String, Path> o : outs.entrySet()) {
      for (Map.Entry<String, Path> in : inputs.entrySet()) {
        // a missing input is reported by its reader ("no such file"); it cannot be destroyed
        if (Files.exists(in.getValue()) && same(o.getValue(), in.getValue())) {
          throw new IllegalArgumentException(
              o.getKey()
                  + " "
                  + o.getValue()
                  + " is also the input "
                  + in.getKey()
                  + ": writing it would destroy the input; choose another output path");
        }
      }
      for (Map.Entry<String, Path> s : seen) {
        if (same(o.getValue(), s.getValue())) {
          throw new IllegalArgumentException(
              s.getKey()
                  + " and "
                  + o.getKey()
                  + " are the same file ("
                  + o.getValue()
                  + "): one would overwrite the other; give each output its own path");
        }
      }
      seen.add(o);
    }
  }

  /**
   * Checks that every output can be written: a file's path is not a directory, a directory's path
   * is not a file, and the nearest existing directory above accepts new files (tried by creating
   * and removing an empty file).
   *
   * @throws IllegalStateException naming the path, why, and what to do
   */
  public void checkWritable() {
    for (Map.Entry<String, Path> e : files.entrySet()) {
      Path p = e.getValue();
      if (Files.isDirectory(p)) {
        throw new IllegalStateException(
            e.getKey() + " " + p + ": is a directory; give the path of a file to write");
      }
      if (Files.exists(p) && !Files.isWritable(p)) {
        throw new IllegalStateException(
            e.getKey() + " " + p + ": the file is not writable; check its permissions");
      }
      probe(e.getKey(), p, parentOf(p));
    }
    for (Map.Entry<String, Path> e : dirs.entrySet()) {
      Path p = e.getValue();
      if (Files.exists(p) && !Files.isDirectory(p)) {
        throw new IllegalStateException(
            e.getKey() + " " + p + ": is a file, not a directory; give a directory path");
      }
      probe(e.getKey(), p, Files.isDirectory(p) ? p.toAbsolutePath() : parentOf(p));
    }
  }

  private static Path parentOf(Path p) {
    Path parent = p.toAbsolutePath().normalize().getParent();
    return parent == null ? p.toAbsolutePath().getRoot() : parent;
  }

  private static void probe(String flag, Path p, Path dir) {
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      throw new IllegalStateException(flag + " " + p + ": no directory above it exists");
    }
    if (!Files.isDirectory(existing)) {
      throw new IllegalStateException(
          flag
              + " "
              + p
              + ": "
              + existing
              + " is a file, not a directory; choose a path in a directory");
    }
    try {
      Path t = Files.createTempFile(existing, ".rstar-write-check-", ".tmp");
      Files.delete(t);
    } catch (IOException | SecurityException | UnsupportedOperationException x) {
      String why =
          x instanceof java.nio.file.FileSystemException f && f.getReason() != null
              ? f.getReason()
              : x.getClass().getSimpleName();
      throw new IllegalStateException(
          flag
              + " "
              + p
              + ": cannot create files in "
              + existing
              + " ("
              + why
              + "); choose a writable directory or fix its permissions");
    }
  }

  /** Whether two paths name the same file, whether or not they exist yet. */
  public static boolean same(Path a, Path b) {
    try {
      if (Files.exists(a) && Files.exists(b)) {
        return Files.isSameFile(a, b);
      }
    } catch (IOException e) {
      // fall through to the names
    }
    return canonical(a).equals(canonical(b));
  }

  /**
   * The real path of {@code p}: its nearest existing ancestor's real path (links resolved) with the
   * rest of the normalized absolute path appended.
   */
  static Path canonical(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    Path head = abs;
    List<Path> tail = new ArrayList<>();
    while (head != null && !Files.exists(head)) {
      tail.add(0, head.getFileName());
      head = head.getParent();
    }
    Path base;
    try {
      base = head == null ? abs.getRoot() : head.toRealPath();
    } catch (IOException e) {
      base = head;
    }
    for (Path t : tail) {
      base = base.resolve(t.toString());
    }
    return base;
  }
}
