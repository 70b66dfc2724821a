package io.rstar4j.train.ppm;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.rstar4j.core.onnx.ElementType;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the training-step graph of {@link TrainingGraphs} (float32) with plain ONNX Runtime
 * sessions, holding the head weights and the AdamW state between steps.
 */
final class HeadOptimizer implements AutoCloseable {
  private final OrtEnvironment env;
  private final OrtSession stepSession;
  private final OrtSession evalSession;
  private final int hidden;
  private final double beta1;
  private final double beta2;
  float[] w;
  float[] m;
  float[] v;
  long t;

  HeadOptimizer(
      OrtEnvironment env,
      OrtSession.SessionOptions options,
      float[] initial,
      double beta1,
      double beta2,
      double eps,
      double weightDecay)
      throws OrtException {
    this.env = env;
    this.hidden = initial.length;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.stepSession =
        env.createSession(
            TrainingGraphs.stepGraph(hidden, ElementType.FLOAT, beta1, beta2, eps, weightDecay),
            options);
    this.evalSession =
        env.createSession(TrainingGraphs.evalGraph(hidden, ElementType.FLOAT), options);
    this.w = initial.clone();
    this.m = new float[hidden];
    this.v = new float[hidden];
  }

  int hidden() {
    return hidden;
  }

  /** Result of a forward pass over a batch. */
  record Eval(double loss, float[] margins) {}

  /**
   * One AdamW step on a batch of {@code rows} pairs.
   *
   * @return the batch's weighted loss before the update, and the margins
   */
  Eval step(float[] xPos, float[] xNeg, float[] weight, int rows, double lr) throws OrtException {
    t++;
    float bc1 = (float) (1 - Math.pow(beta1, t));
    float bc2 = (float) (1 - Math.pow(beta2, t));
    Map<String, OnnxTensor> in = batch(xPos, xNeg, weight, rows);
    try {
      in.put(
          TrainingGraphs.M, OnnxTensor.createTensor(env, FloatBuffer.wrap(m), new long[] {hidden}));
      in.put(
          TrainingGraphs.V, OnnxTensor.createTensor(env, FloatBuffer.wrap(v), new long[] {hidden}));
      in.put(TrainingGraphs.LR, OnnxTensor.createTensor(env, (float) lr));
      in.put(TrainingGraphs.BC1, OnnxTensor.createTensor(env, bc1));
      in.put(TrainingGraphs.BC2, OnnxTensor.createTensor(env, bc2));
      try (OrtSession.Result r =
          stepSession.run(
              in,
              java.util.Set.of(
                  TrainingGraphs.LOSS,
                  TrainingGraphs.MARGIN,
                  TrainingGraphs.W_NEW,
                  TrainingGraphs.M_NEW,
                  TrainingGraphs.V_NEW))) {
        w = floats(r, TrainingGraphs.W_NEW);
        m = floats(r, TrainingGraphs.M_NEW);
        v = floats(r, TrainingGraphs.V_NEW);
        return new Eval(scalar(r, TrainingGraphs.LOSS), floats(r, TrainingGraphs.MARGIN));
      }
    } finally {
      close(in);
    }
  }

  /** Loss and margins of a batch under the current weights. */
  Eval evaluate(float[] xPos, float[] xNeg, float[] weight, int rows) throws OrtException {
    Map<String, OnnxTensor> in = batch(xPos, xNeg, weight, rows);
    try (OrtSession.Result r = evalSession.run(in)) {
      return new Eval(scalar(r, TrainingGraphs.LOSS), floats(r, TrainingGraphs.MARGIN));
    } finally {
      close(in);
    }
  }

  private Map<String, OnnxTensor> batch(float[] xPos, float[] xNeg, float[] weight, int rows)
      throws OrtException {
    Map<String, OnnxTensor> in = new HashMap<>();
    in.put(
        TrainingGraphs.X_POS,
        OnnxTensor.createTensor(
            env, FloatBuffer.wrap(xPos, 0, rows * hidden), new long[] {rows, hidden}));
    in.put(
        TrainingGraphs.X_NEG,
        OnnxTensor.createTensor(
            env, FloatBuffer.wrap(xNeg, 0, rows * hidden), new long[] {rows, hidden}));
    in.put(
        TrainingGraphs.WEIGHT,
        OnnxTensor.createTensor(env, FloatBuffer.wrap(weight, 0, rows), new long[] {rows}));
    in.put(
        TrainingGraphs.W, OnnxTensor.createTensor(env, FloatBuffer.wrap(w), new long[] {hidden}));
    return in;
  }

  private static float[] floats(OrtSession.Result r, String name) throws OrtException {
    OnnxValue v = r.get(name).orElseThrow();
    FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
    float[] out = new float[fb.remaining()];
    fb.get(out);
    return out;
  }

  private static double scalar(OrtSession.Result r, String name) throws OrtException {
    return floats(r, name)[0];
  }

  private static void close(Map<String, OnnxTensor> in) {
    for (OnnxTensor t : in.values()) {
      t.close();
    }
  }

  @Override
  public void close() {
    for (OrtSession s : List.of(stepSession, evalSession)) {
      try {
        s.close();
      } catch (OrtException e) {
        // nothing useful to do on close
      }
    }
  }
}
