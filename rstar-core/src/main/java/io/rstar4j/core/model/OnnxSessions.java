package io.rstar4j.core.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.rstar4j.core.internal.OnnxRuntimeCheck;
import java.lang.System.Logger.Level;

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
   * The ONNX Runtime environment.
   *
   * @throws IllegalStateException if ONNX Runtime is not on the class path (naming the artifact to
   *     add) or its native library cannot be loaded
   */
  static OrtEnvironment environment() {
    OnnxRuntimeCheck.require("The ONNX session factory");
    try {
      // created once, on a big-stack thread (ONNX Runtime 1.29.0 and long command lines)
      return io.rstar4j.core.model.OnnxEnvironment.get();
    } catch (IllegalStateException e) {
      throw e;
    } catch (RuntimeException | LinkageError e) {
      throw new IllegalStateException("ONNX Runtime could not start: " + e.getMessage(), e);
    }
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
