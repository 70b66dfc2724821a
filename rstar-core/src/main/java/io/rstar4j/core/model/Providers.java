package io.rstar4j.core.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.lang.System.Logger.Level;

/**
 * Opens sessions on CUDA or the CPU. Whether CUDA works is decided once per process and cached:
 * with the GPU build and no CUDA libraries, adding the provider fails only after seconds, so a
 * failure sends every later session straight to the CPU. A {@code SessionOptions} whose CUDA setup
 * failed is closed and replaced by a fresh one for the CPU session.
 */
final class Providers {
  private static final System.Logger LOG = System.getLogger(CausalLm.class.getName());
  private static final Object LOCK = new Object();
  private static volatile Boolean cudaWorks; // null: not tried yet

  private Providers() {}

  /** An open session and the provider it runs on. */
  record Opened(OrtSession session, ExecutionProvider provider) {}

  static Opened open(
      OrtEnvironment env,
      String modelPath,
      ProviderChoice choice,
      int device,
      int intraOpThreads,
      boolean spinning)
      throws OrtException {
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
            OrtSession.SessionOptions so = options(intraOpThreads, spinning);
            try {
              so.addCUDA(device);
              OrtSession s = env.createSession(modelPath, so);
              cudaWorks = true;
              so.close();
              LOG.log(Level.INFO, "rstar4j: running " + modelPath + " on CUDA device " + device);
              return new Opened(s, ExecutionProvider.CUDA);
            } catch (OrtException | RuntimeException | LinkageError e) {
              so.close();
              reason = "CUDA provider failed: " + e.getMessage();
            }
          }
          if (known == null) {
            cudaWorks = false;
            if (choice == ProviderChoice.AUTO) {
              LOG.log(Level.INFO, "rstar4j: " + reason + "; ONNX models run on the CPU");
            }
          } else if (choice == ProviderChoice.AUTO) {
            LOG.log(Level.WARNING, "rstar4j: " + reason + "; running " + modelPath + " on the CPU");
          }
        } else {
          reason = "CUDA provider failed earlier in this process";
        }
      }
      if (choice == ProviderChoice.CUDA) {
        throw new IllegalStateException("CUDA was required but is not usable: " + reason);
      }
    }
    OrtSession.SessionOptions so = options(intraOpThreads, spinning);
    try {
      return new Opened(env.createSession(modelPath, so), ExecutionProvider.CPU);
    } finally {
      so.close();
    }
  }

  private static OrtSession.SessionOptions options(int intraOpThreads, boolean spinning)
      throws OrtException {
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    if (!spinning) {
      so.addConfigEntry("session.intra_op.allow_spinning", "0");
      so.addConfigEntry("session.inter_op.allow_spinning", "0");
    }
    so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    if (intraOpThreads > 0) {
      so.setIntraOpNumThreads(intraOpThreads);
    }
    return so;
  }
}
