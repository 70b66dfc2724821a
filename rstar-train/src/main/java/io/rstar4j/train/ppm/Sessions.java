package io.rstar4j.train.ppm;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;

/** Session creation with the CUDA provider when asked for and available, CPU otherwise. */
final class Sessions {
  private static final System.Logger LOG = System.getLogger(Sessions.class.getName());

  private Sessions() {}

  static OrtSession.SessionOptions options(String device) {
    if (device.equals("cuda")) {
      OrtSession.SessionOptions o = new OrtSession.SessionOptions();
      try {
        o.addCUDA(0);
        LOG.log(System.Logger.Level.INFO, "PPM: using the CUDA execution provider");
        return o;
      } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
        o.close();
        LOG.log(
            System.Logger.Level.WARNING,
            "PPM: CUDA provider unavailable (" + e.getMessage() + "); running on CPU");
      }
    }
    return new OrtSession.SessionOptions();
  }

  static OrtSession create(OrtEnvironment env, Path model, String device) throws OrtException {
    return env.createSession(model.toString(), options(device));
  }
}
