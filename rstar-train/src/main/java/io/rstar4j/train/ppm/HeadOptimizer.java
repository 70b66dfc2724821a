package io.rstar4j.train.ppm;

import io.rstar4j.core.model.GraphSession;
import io.rstar4j.core.model.ProviderChoice;
import io.rstar4j.core.model.Tensor;
import io.rstar4j.core.onnx.ElementType;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Runs the training-step graph of {@link TrainingGraphs} (float32) in plain inference sessions
 * ({@link GraphSession}), holding the head weights and the AdamW state between steps.
 */
final class HeadOptimizer implements AutoCloseable {
  private static final Set<String> STEP_OUTPUTS =
      Set.of(
          TrainingGraphs.LOSS,
          TrainingGraphs.MARGIN,
          TrainingGraphs.W_NEW,
          TrainingGraphs.M_NEW,
          TrainingGraphs.V_NEW);
  private static final Set<String> EVAL_OUTPUTS =
      Set.of(TrainingGraphs.LOSS, TrainingGraphs.MARGIN);

  private final GraphSession stepSession;
  private final GraphSession evalSession;
  private final int hidden;
  private final double beta1;
  private final double beta2;
  float[] w;
  float[] m;
  float[] v;
  long t;

  /**
   * @throws IllegalStateException if ONNX Runtime is missing or cannot open the graphs there
   */
  HeadOptimizer(
      ProviderChoice provider,
      float[] initial,
      double beta1,
      double beta2,
      double eps,
      double weightDecay) {
    this.hidden = initial.length;
    this.beta1 = beta1;
    this.beta2 = beta2;
    GraphSession step =
        GraphSession.builder()
            .provider(provider)
            .open(
                TrainingGraphs.stepGraph(hidden, ElementType.FLOAT, beta1, beta2, eps, weightDecay),
                "ppm_head_adamw_step");
    try {
      this.evalSession =
          GraphSession.builder()
              .provider(provider)
              .open(TrainingGraphs.evalGraph(hidden, ElementType.FLOAT), "ppm_head_eval");
    } catch (RuntimeException e) {
      step.close();
      throw e;
    }
    this.stepSession = step;
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
   * @throws IllegalStateException if ONNX Runtime fails
   */
  Eval step(float[] xPos, float[] xNeg, float[] weight, int rows, double lr) {
    t++;
    float bc1 = (float) (1 - Math.pow(beta1, t));
    float bc2 = (float) (1 - Math.pow(beta2, t));
    Map<String, Tensor> in = batch(xPos, xNeg, weight, rows);
    in.put(TrainingGraphs.M, Tensor.of(m, hidden));
    in.put(TrainingGraphs.V, Tensor.of(v, hidden));
    in.put(TrainingGraphs.LR, Tensor.scalar((float) lr));
    in.put(TrainingGraphs.BC1, Tensor.scalar(bc1));
    in.put(TrainingGraphs.BC2, Tensor.scalar(bc2));
    Map<String, Tensor> r = stepSession.run(in, STEP_OUTPUTS);
    w = r.get(TrainingGraphs.W_NEW).toFloatArray();
    m = r.get(TrainingGraphs.M_NEW).toFloatArray();
    v = r.get(TrainingGraphs.V_NEW).toFloatArray();
    return new Eval(
        r.get(TrainingGraphs.LOSS).doubleValue(), r.get(TrainingGraphs.MARGIN).toFloatArray());
  }

  /**
   * Loss and margins of a batch under the current weights.
   *
   * @throws IllegalStateException if ONNX Runtime fails
   */
  Eval evaluate(float[] xPos, float[] xNeg, float[] weight, int rows) {
    Map<String, Tensor> r = evalSession.run(batch(xPos, xNeg, weight, rows), EVAL_OUTPUTS);
    return new Eval(
        r.get(TrainingGraphs.LOSS).doubleValue(), r.get(TrainingGraphs.MARGIN).toFloatArray());
  }

  private Map<String, Tensor> batch(float[] xPos, float[] xNeg, float[] weight, int rows) {
    Map<String, Tensor> in = new HashMap<>();
    // Views of the leading rows of the reused batch arrays (the graph copies them in).
    in.put(
        TrainingGraphs.X_POS, Tensor.wrap(FloatBuffer.wrap(xPos, 0, rows * hidden), rows, hidden));
    in.put(
        TrainingGraphs.X_NEG, Tensor.wrap(FloatBuffer.wrap(xNeg, 0, rows * hidden), rows, hidden));
    in.put(TrainingGraphs.WEIGHT, Tensor.wrap(FloatBuffer.wrap(weight, 0, rows), rows));
    in.put(TrainingGraphs.W, Tensor.of(w, hidden));
    return in;
  }

  @Override
  public void close() {
    for (GraphSession s : new GraphSession[] {stepSession, evalSession}) {
      try {
        s.close();
      } catch (IllegalStateException e) {
        // nothing useful to do on close
      }
    }
  }
}
