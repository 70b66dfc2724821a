package io.rstar4j.examples.cli;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Output files written atomically: each is written to a temporary file in its own directory and
 * renamed over the target by {@link #commit()}, so a reader never sees a half-written file and a
 * failed run leaves the old file in place. A file that gets no records is still written, empty.
 * Closing without a commit deletes the temporary files.
 */
final class AtomicOutputs implements Closeable {
  private record Pending(Path target, Path temp, Writer writer) {}

  private final List<Pending> pending = new ArrayList<>();
  private boolean committed;

  /**
   * Opens {@code path} for writing (its directories are created), or returns null for a null path.
   *
   * @throws IOException when the temporary file cannot be created
   */
  Writer open(String path) throws IOException {
    if (path == null) {
      return null;
    }
    Path target = Path.of(path).toAbsolutePath();
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    Writer w = new BufferedWriter(Files.newBufferedWriter(temp, StandardCharsets.UTF_8));
    pending.add(new Pending(target, temp, w));
    return w;
  }

  /**
   * Closes every file and renames it over its target.
   *
   * @throws IOException when a file cannot be written or renamed
   */
  void commit() throws IOException {
    for (Pending p : pending) {
      p.writer().close();
    }
    for (Pending p : pending) {
      Files.move(
          p.temp(),
          p.target(),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    }
    committed = true;
  }

  /** Deletes the temporary files unless {@link #commit()} ran. */
  @Override
  public void close() throws IOException {
    if (committed) {
      return;
    }
    for (Pending p : pending) {
      try {
        p.writer().close();
      } finally {
        Files.deleteIfExists(p.temp());
      }
    }
  }
}
