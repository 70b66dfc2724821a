package io.rstar4j.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The one writer of every file rstar4j writes: the content goes to a temporary file in the target's
 * directory, is forced to the disk, and is renamed over the target in one step. A reader (or a
 * process killed half-way) sees the old file or the new one, never a part; a failed write (a full
 * disk) leaves the old file as it was and names the target in its error.
 *
 * <pre>{@code
 * AtomicFiles.writeString(dir.resolve("round.json"), json);
 * try (AtomicFiles.Output out = AtomicFiles.open(path)) {   // streamed
 *   out.writer().write(line);
 *   out.commit();                                          // without commit: nothing changes
 * }
 * }</pre>
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes a file's content. */
  @FunctionalInterface
  public interface Body {
    /**
     * @throws IOException when writing fails
     */
    void write(Writer w) throws IOException;
  }

  /**
   * Replaces {@code target} with the UTF-8 text {@code body} writes, atomically.
   *
   * @throws IOException naming the target when the file cannot be written; the old file is kept
   */
  public static void write(Path target, Body body) throws IOException {
    try (Output out = open(target)) {
      try {
        body.write(out.writer());
      } catch (IOException e) {
        throw out.failure("writing failed", e);
      }
      out.commit();
    }
  }

  /**
   * Replaces {@code target} with {@code text} (UTF-8), atomically.
   *
   * @throws IOException naming the target when the file cannot be written; the old file is kept
   */
  public static void writeString(Path target, String text) throws IOException {
    write(target, w -> w.write(text));
  }

  /**
   * Replaces {@code target} with {@code bytes}, atomically.
   *
   * @throws IOException naming the target when the file cannot be written; the old file is kept
   */
  public static void writeBytes(Path target, byte[] bytes) throws IOException {
    try (Output out = open(target)) {
      out.stream().write(bytes);
      out.commit();
    }
  }

  /**
   * Opens a streamed atomic write of {@code target}: nothing is visible at {@code target} until
   * {@link Output#commit()}; closing without committing removes the temporary file.
   *
   * @throws IOException naming the target when its directory cannot hold a new file
   */
  public static Output open(Path target) throws IOException {
    return new Output(target);
  }

  /**
   * Removes the temporary files that writers killed before their rename left under {@code dir}
   * (names {@code .NAME.<digits>.tmp}, at any depth). Call it only while holding the run's {@link
   * RunLock}, so that no live writer's temporary file is removed.
   *
   * @return how many were removed
   * @throws IOException when the directory cannot be read
   */
  public static int removeStaleTemporaries(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    java.util.List<Path> stale;
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      stale =
          files
              .filter(Files::isRegularFile)
              .filter(f -> f.getFileName().toString().matches("\\..+\\.-?[0-9]+\\.tmp"))
              .toList();
    }
    for (Path f : stale) {
      Files.deleteIfExists(f);
    }
    return stale.size();
  }

  /**
   * Forces what was appended to an open file to the disk (the append-only tree files).
   *
   * @throws IOException when the disk refuses
   */
  public static void force(FileChannel ch) throws IOException {
    ch.force(false);
  }

  /** Forces a directory's entries (a rename) to the disk; best effort where that is refused. */
  static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      // some file systems do not open directories: the rename is still atomic
    }
  }

  /** One atomic write in progress: its stream, its writer, and {@link #commit()}. */
  public static final class Output implements AutoCloseable {
    private final Path target;
    private final Path tmp;
    private final FileChannel channel;
    private final OutputStream stream;
    private final Writer writer;
    private boolean done;

    private Output(Path target) throws IOException {
      this.target = Objects.requireNonNull(target, "target").toAbsolutePath();
      Path dir = this.target.getParent();
      try {
        if (!Files.isDirectory(dir)) {
          Files.createDirectories(dir);
        }
        this.tmp = Files.createTempFile(dir, "." + this.target.getFileName() + ".", ".tmp");
        this.channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
      } catch (IOException e) {
        throw failure("cannot create a file next to it", e);
      }
      this.stream = Channels.newOutputStream(channel);
      this.writer =
          new java.io.BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
    }

    /** The target's raw bytes go here (do not mix with {@link #writer()} before a flush). */
    public OutputStream stream() {
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          guard(() -> stream.write(b));
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          guard(() -> stream.write(b, off, len));
        }
      };
    }

    /** The target's UTF-8 text goes here. */
    public Writer writer() {
      return new Writer() {
        @Override
        public void write(char[] c, int off, int len) throws IOException {
          guard(() -> writer.write(c, off, len));
        }

        @Override
        public void write(String s, int off, int len) throws IOException {
          guard(() -> writer.write(s, off, len));
        }

        @Override
        public void flush() throws IOException {
          guard(writer::flush);
        }

        @Override
        public void close() {
          // the Output closes
        }
      };
    }

    private interface Io {
      void run() throws IOException;
    }

    private void guard(Io io) throws IOException {
      if (done) {
        throw new IOException(target + ": written already");
      }
      try {
        io.run();
      } catch (IOException e) {
        throw failure("writing failed", e);
      }
    }

    /**
     * Flushes, forces the content to the disk and renames the temporary file over the target.
     *
     * @throws IOException naming the target when any step fails; the old file is then kept
     */
    public void commit() throws IOException {
      if (done) {
        return;
      }
      try {
        writer.flush();
        channel.force(true);
        channel.close();
        try {
          Files.move(
              tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        done = true;
        forceDirectory(target.getParent());
      } catch (IOException e) {
        throw failure("writing failed", e);
      } finally {
        if (!done) {
          discard();
        }
      }
    }

    /** Removes the temporary file unless committed. */
    @Override
    public void close() throws IOException {
      if (!done) {
        discard();
      }
    }

    private void discard() {
      done = true;
      try {
        channel.close();
      } catch (IOException e) {
        // closing a failed channel: the delete below is what matters
      }
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // a temporary file left behind is harmless: it is never read
      }
    }

    private IOException failure(String what, IOException e) {
      String why =
          e instanceof FileSystemException fse && fse.getReason() != null
              ? fse.getReason()
              : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
      if (e.getMessage() != null && e.getMessage().startsWith(target.toString() + ": ")) {
        return e;
      }
      return new IOException(
          target + ": " + what + " (" + why + "); the previous content, if any, is unchanged", e);
    }
  }
}
