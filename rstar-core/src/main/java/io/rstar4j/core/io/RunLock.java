package io.rstar4j.core.io;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;

/**
 * One writer per output: a lock file ({@code NAME.lock} next to a file, {@code .lock} inside a
 * directory) held with {@link FileChannel#tryLock()} for the run's lifetime, holding the owner's
 * pid, host and start time. A second run on the same output is refused with a message naming the
 * owner. A lock left by a killed process is taken over: the operating system releases the lock of a
 * dead process, and where locks are not supported a pid file whose pid is dead on this host is
 * stale.
 *
 * <pre>{@code
 * try (RunLock lock = RunLock.onFile(trees)) {
 *   ... write trees ...
 * }
 * }</pre>
 */
public final class RunLock implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RunLock.class.getName());

  /** The locks this JVM holds, by lock file: a thread may take its own lock again. */
  private static final java.util.Map<Path, RunLock> HELD = new java.util.HashMap<>();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final Thread owner = Thread.currentThread();
  private int holds = 1;

  private RunLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks an output file through {@code FILE.lock}.
   *
   * @throws IllegalStateException if another live run holds it (naming it)
   * @throws IOException if the lock file cannot be created
   */
  public static RunLock onFile(Path output) throws IOException {
    Path abs = output.toAbsolutePath();
    return acquire(abs.resolveSibling(abs.getFileName() + ".lock"), abs);
  }

  /**
   * Locks an output directory through {@code DIR/.lock} (the directory is created).
   *
   * @throws IllegalStateException if another live run holds it (naming it)
   * @throws IOException if the directory or the lock file cannot be created
   */
  public static RunLock onDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    return acquire(dir.toAbsolutePath().resolve(".lock"), dir);
  }

  /** The lock file. */
  public Path file() {
    return file;
  }

  private static RunLock acquire(Path lockFile, Path output) throws IOException {
    Objects.requireNonNull(output, "output");
    Path key = lockFile.toAbsolutePath().normalize();
    synchronized (HELD) {
      RunLock mine = HELD.get(key);
      if (mine != null) {
        if (mine.owner != Thread.currentThread()) {
          throw busy(output, read(mine.channel));
        }
        mine.holds++;
        return mine;
      }
      RunLock r = acquireFile(key, output);
      HELD.put(key, r);
      return r;
    }
  }

  private static RunLock acquireFile(Path lockFile, Path output) throws IOException {
    if (lockFile.getParent() != null) {
      Files.createDirectories(lockFile.getParent());
    }
    for (int attempt = 0; ; attempt++) {
      Object before = fileKey(lockFile);
      FileChannel ch =
          FileChannel.open(
              lockFile,
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null; // held by this JVM
      } catch (IOException e) {
        // no locking on this file system: fall back to the pid in the file
        String owner = read(ch);
        if (!owner.isBlank() && alive(owner)) {
          ch.close();
          throw busy(output, owner);
        }
        RunLock r = new RunLock(lockFile, ch, null);
        r.stamp(owner);
        return r;
      }
      if (l == null) {
        String owner = read(ch);
        ch.close();
        throw busy(output, owner);
      }
      // The previous owner removes the file before it releases its lock: if that happened
      // between our open and our lock, we hold a removed file. Compare what the path names
      // before and after, by stat: opening the file again would drop our POSIX lock.
      Object after = fileKey(lockFile);
      if ((before != null && before.equals(after)) || attempt > 10) {
        RunLock r = new RunLock(lockFile, ch, l);
        r.stamp(read(ch));
        return r;
      }
      l.release();
      ch.close();
    }
  }

  private static Object fileKey(Path lockFile) {
    try {
      return Files.readAttributes(lockFile, java.nio.file.attribute.BasicFileAttributes.class)
          .fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  private void stamp(String previous) throws IOException {
    if (!previous.isBlank() && !previous.startsWith(self())) {
      LOG.log(
          System.Logger.Level.INFO,
          "{0}: taking over a stale lock of a run that ended without releasing it ({1})",
          file,
          previous.strip());
    }
    String me = self() + " since " + Instant.now() + "\n";
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
    channel.force(false);
  }

  private static String self() {
    return "pid " + ProcessHandle.current().pid() + " on " + host();
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException | RuntimeException e) {
      String n = ManagementFactory.getRuntimeMXBean().getName();
      int at = n.indexOf('@');
      return at >= 0 ? n.substring(at + 1) : "localhost";
    }
  }

  private static String read(FileChannel ch) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(512);
    ch.read(b, 0);
    return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
  }

  /** Whether the owner a lock file names is a live process on this host. */
  private static boolean alive(String owner) {
    String[] w = owner.strip().split("\\s+");
    if (w.length < 4 || !w[0].equals("pid") || !w[3].equals(host())) {
      return !owner.isBlank(); // another host, or unreadable: assume alive
    }
    try {
      long pid = Long.parseLong(w[1]);
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static IllegalStateException busy(Path output, String owner) {
    String who = owner.isBlank() ? "another run" : "another run (" + owner.strip() + ")";
    return new IllegalStateException(
        output
            + " is in use: "
            + who
            + " is writing it; wait for that run to finish, or give another output path");
  }

  /** Releases the lock (the last of this thread's holds) and removes the lock file. */
  @Override
  public void close() throws IOException {
    synchronized (HELD) {
      if (holds == 0) {
        return;
      }
      if (--holds > 0) {
        return;
      }
      HELD.remove(file);
    }
    try {
      Files.deleteIfExists(file);
    } finally {
      try {
        if (lock != null) {
          lock.release();
        }
      } finally {
        channel.close();
      }
    }
  }
}
