package io.rstar4j.core.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place where ONNX Runtime sessions are opened, for the causal LM runtime and for {@link
 * GraphSession}: the provider choice, the CUDA fallback and the session options.
 *
 * <p>Whether CUDA works is decided once per process and cached: with the GPU build and no CUDA
 * libraries, adding the provider fails only after seconds (and {@code getAvailableProviders()}
 * lists CUDA even without a GPU, so it cannot tell), so after one failure every later session goes
 * straight to the CPU. Under {@link ProviderChoice#AUTO} the fallback is said once, in one INFO log
 * line. A {@code SessionOptions} whose CUDA setup failed is closed and replaced by a fresh one for
 * the CPU session.
 */
final class OnnxSessions {
  private static final System.Logger LOG = System.getLogger(OnnxSessions.class.getName());
  private static final Object LOCK = new Object();
  private static volatile Boolean cudaWorks; // null: not tried yet

  private OnnxSessions() {}

  /** An open session and the provider it runs on. */
  record Opened(OrtSession session, ExecutionProvider provider) {}

  /** Creates a session from prepared options (a file path or model bytes). */
  @FunctionalInterface
  interface Source {
    OrtSession create(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;
  }

  /**
   * The ONNX Runtime environment, created once per process on a dedicated thread with a large
   * stack.
   *
   * <p>ONNX Runtime 1.29.0 matches the process's command line ({@code /proc/self/cmdline}) with a
   * recursive regular expression while it creates its environment (about 2.4 native frames per
   * character); on a launcher's main thread (1 MB stack) a command line over about 4 KB overflows
   * the stack and the JVM dies with SIGSEGV without an error file. Creating the environment on a
   * thread whose stack is sized from the command line's length avoids it for every version; the
   * environment is a process-wide singleton, so sessions opened later on ordinary threads (and
   * {@code OrtEnvironment.getEnvironment()} called later by user code) reuse it.
   *
   * @throws IllegalStateException if ONNX Runtime is not on the class path (naming the artifact to
   *     add) or its native library cannot be loaded
   */
  static OrtEnvironment environment() {
    OrtEnvironment e = env;
    if (e != null) {
      return e;
    }
    synchronized (ENV_LOCK) {
      if (env == null) {
        env = createEnvironment();
      }
      return env;
    }
  }

  private static final Object ENV_LOCK = new Object();
  private static volatile OrtEnvironment env;

  private static OrtEnvironment createEnvironment() {
    try {
      Class.forName("ai.onnxruntime.OrtEnvironment", false, OnnxSessions.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "ONNX Runtime is not on the class path: add the dependency"
              + " com.microsoft.onnxruntime:onnxruntime (CPU) or"
              + " com.microsoft.onnxruntime:onnxruntime_gpu (CUDA)",
          e);
    }
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
  static long initStackBytes(long commandLineChars) {
    long bytes = (16L << 20) + 512L * Math.max(0, commandLineChars);
    return Math.min(bytes, 8L << 30);
  }

  /** The length of this process's command line; an estimate where /proc is not available. */
  static long commandLineChars() {
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

  /**
   * Opens a session on the provider the settings ask for.
   *
   * @param what names the model in log lines and errors (a path, or a graph's name)
   * @throws OrtException if ONNX Runtime cannot load the model on the CPU
   * @throws IllegalStateException if CUDA was required and is not usable
   */
  static Opened open(OrtEnvironment env, Source source, String what, SessionSettings s)
      throws OrtException {
    ProviderChoice choice = s.provider();
    if (choice != ProviderChoice.CPU) {
      String reason = null;
      synchronized (LOCK) {
        Boolean known = cudaWorks;
        if (known == null || known) {
          if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            reason =
                "this ONNX Runtime build has no CUDA provider (use the"
                    + " com.microsoft.onnxruntime:onnxruntime_gpu artifact)";
          } else {
            OrtSession.SessionOptions so = options(s);
            try {
              so.addCUDA(s.cudaDevice());
              OrtSession session = source.create(env, so);
              cudaWorks = true;
              LOG.log(Level.INFO, "rstar4j: running " + what + " on CUDA device " + s.cudaDevice());
              return new Opened(session, ExecutionProvider.CUDA);
            } catch (OrtException | RuntimeException | LinkageError e) {
              reason = "CUDA provider failed: " + e.getMessage();
            } finally {
              so.close();
            }
          }
          if (known == null) {
            cudaWorks = false;
            if (choice == ProviderChoice.AUTO) {
              LOG.log(Level.INFO, "rstar4j: " + reason + "; ONNX models run on the CPU");
            }
          } else if (choice == ProviderChoice.AUTO) {
            LOG.log(Level.WARNING, "rstar4j: " + reason + "; running " + what + " on the CPU");
          }
        } else {
          reason = "CUDA provider failed earlier in this process";
        }
      }
      if (choice == ProviderChoice.CUDA) {
        throw new IllegalStateException("CUDA was required but is not usable: " + reason);
      }
    }
    OrtSession.SessionOptions so = options(s);
    try {
      return new Opened(source.create(env, so), ExecutionProvider.CPU);
    } finally {
      so.close();
    }
  }

  private static OrtSession.SessionOptions options(SessionSettings s) throws OrtException {
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    if (!s.spinning()) {
      so.addConfigEntry("session.intra_op.allow_spinning", "0");
      so.addConfigEntry("session.inter_op.allow_spinning", "0");
    }
    so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    if (s.intraOpThreads() > 0) {
      so.setIntraOpNumThreads(s.intraOpThreads());
    }
    return so;
  }
}
