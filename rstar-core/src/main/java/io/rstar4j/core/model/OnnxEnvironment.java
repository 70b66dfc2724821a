package io.rstar4j.core.model;

import ai.onnxruntime.OrtEnvironment;
import io.rstar4j.core.internal.OnnxRuntimeCheck;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's ONNX Runtime environment, created once on a dedicated thread with a large stack:
 * every rstar4j module (the model runtime's session factory, the PPM trainer, the autodiff graphs)
 * gets it here, never from {@code OrtEnvironment.getEnvironment()} directly.
 *
 * <p>ONNX Runtime 1.29.0 matches the process's command line ({@code /proc/self/cmdline}) with a
 * recursive regular expression while it creates its environment (about 2.4 native frames per
 * character); on a launcher's main thread (1 MB stack) a command line over about 4 KB (a long class
 * path, a long argument) overflows the stack and the JVM dies with SIGSEGV without an error file.
 * Creating the environment on a thread whose stack is sized from the command line's length avoids
 * it for every version; the environment is a process-wide singleton, so sessions opened later on
 * ordinary threads, and {@code OrtEnvironment.getEnvironment()} called later by user code, reuse
 * it.
 */
public final class OnnxEnvironment {
  private static final Object LOCK = new Object();
  private static volatile OrtEnvironment env;

  private OnnxEnvironment() {}

  /**
   * The environment (created on first use).
   *
   * @throws IllegalStateException if ONNX Runtime is absent (naming the artifacts) or cannot start
   */
  public static OrtEnvironment get() {
    OrtEnvironment e = env;
    if (e != null) {
      return e;
    }
    synchronized (LOCK) {
      if (env == null) {
        OnnxRuntimeCheck.require("The ONNX Runtime environment");
        env = createEnvironment();
      }
      return env;
    }
  }

  private static OrtEnvironment createEnvironment() {
    OrtEnvironment[] made = new OrtEnvironment[1];
    Throwable[] failed = new Throwable[1];
    Thread t =
        new Thread(
            null,
            () -> {
              try {
                made[0] = OrtEnvironment.getEnvironment();
              } catch (Throwable x) {
                failed[0] = x;
              }
            },
            "rstar4j-ort-init",
            initStackBytes(commandLineChars()));
    t.setDaemon(true);
    t.start();
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException x) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable x = failed[0];
    if (x instanceof RuntimeException || x instanceof LinkageError) {
      throw new IllegalStateException("ONNX Runtime could not start: " + x.getMessage(), x);
    }
    if (x instanceof Error err) {
      throw err;
    }
    if (x != null || made[0] == null) {
      throw new IllegalStateException("ONNX Runtime could not start: " + x, x);
    }
    return made[0];
  }

  /**
   * The stack for the thread that creates the environment: 16 MB plus 512 bytes per character of
   * the command line (measured: 4 MB is enough for 5 KB, 64 MB for 100 KB, 1 GB for 1.5 MB). The
   * reservation is virtual; untouched pages cost nothing.
   */
  public static long initStackBytes(long commandLineChars) {
    long bytes = (16L << 20) + 512L * Math.max(0, commandLineChars);
    return Math.min(bytes, 8L << 30);
  }

  /** The length of this process's command line; an estimate where /proc is not available. */
  public static long commandLineChars() {
    Path cmdline = Path.of("/proc/self/cmdline");
    if (Files.isReadable(cmdline)) {
      try (InputStream in = Files.newInputStream(cmdline)) {
        long n = 0;
        byte[] buf = new byte[8192];
        for (int r; (r = in.read(buf)) > 0; ) {
          n += r;
        }
        if (n > 0) {
          return n;
        }
      } catch (IOException | RuntimeException e) {
        // fall back to the estimate
      }
    }
    return estimate();
  }

  private static long estimate() {
    long n = 0;
    for (String k : new String[] {"java.class.path", "jdk.module.path", "sun.java.command"}) {
      String v = System.getProperty(k);
      n += v == null ? 0 : v.length();
    }
    try {
      for (String a :
          java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        n += a.length() + 1;
      }
    } catch (RuntimeException | LinkageError e) {
      // no management module: the class path and command are the bulk of it
    }
    return n;
  }
}
