package io.rstar4j.train.ppm;

import io.rstar4j.core.onnx.ElementType;
import io.rstar4j.core.onnx.OnnxGraphBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The ONNX graphs that train the value head with ordinary inference sessions, built with the
 * project's {@link OnnxGraphBuilder}.
 *
 * <p>The step graph takes the head weights {@code w [h]}, the AdamW moments {@code m, v [h]}, the
 * learning rate and bias corrections as scalars, and a batch of cached backbone features of the
 * chosen ({@code x_pos [B,h]}) and rejected ({@code x_neg [B,h]}) texts with per-pair weights
 * {@code weight [B]}; it returns the loss {@code sum_i weight_i * -log sigmoid(r_pos - r_neg)}, the
 * margins {@code r_pos - r_neg}, the gradient and the updated weights and moments. The head's bias
 * cancels in {@code r_pos - r_neg}, so it gets no gradient and is not trained.
 */
final class TrainingGraphs {
  static final String X_POS = "x_pos";
  static final String X_NEG = "x_neg";
  static final String WEIGHT = "weight";
  static final String W = "w";
  static final String M = "m";
  static final String V = "v";
  static final String LR = "lr";
  static final String BC1 = "bc1";
  static final String BC2 = "bc2";
  static final String LOSS = "loss";
  static final String MARGIN = "margin";
  static final String GRAD = "grad";
  static final String W_NEW = "w_new";
  static final String M_NEW = "m_new";
  static final String V_NEW = "v_new";

  private TrainingGraphs() {}

  /** A scalar constant of the element type (float or double). */
  private static String scalar(OnnxGraphBuilder g, ElementType type, double value) {
    if (type == ElementType.FLOAT) {
      return g.constant((float) value);
    }
    if (type != ElementType.DOUBLE) {
      throw new IllegalArgumentException("training graphs are float or double, not " + type);
    }
    byte[] b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(value).array();
    return g.rawInitializer(g.fresh("const_d"), ElementType.DOUBLE, b);
  }

  /** The forward part shared by both graphs; returns {diff, margin, -margin}. */
  private static String[] forward(OnnxGraphBuilder g, ElementType type, int hidden) {
    g.input(X_POS, type, "B", hidden);
    g.input(X_NEG, type, "B", hidden);
    g.input(WEIGHT, type, "B");
    g.input(W, type, hidden);
    String diff = g.sub(X_POS, X_NEG);
    String margin = g.matMul(diff, W);
    // -log sigmoid(d) = softplus(-d) = relu(-d) + log(1 + exp(-|d|)), stable for any d
    String negD = g.neg(margin);
    String softplus =
        g.add(g.relu(negD), g.log(g.add(scalar(g, type, 1.0), g.exp(g.neg(g.op("Abs", margin))))));
    String loss = g.reduceSum(g.mul(WEIGHT, softplus), false);
    g.output(loss, LOSS, type);
    g.output(margin, MARGIN, type, "B");
    return new String[] {diff, margin, negD};
  }

  /** Loss and margins only: for held-out evaluation and finite-difference checks. */
  static byte[] evalGraph(int hidden, ElementType type) {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("ppm_head_eval");
    forward(g, type, hidden);
    return g.toByteArray();
  }

  /** One AdamW step on the head weights (decoupled weight decay, PyTorch's AdamW). */
  static byte[] stepGraph(
      int hidden, ElementType type, double beta1, double beta2, double eps, double weightDecay) {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("ppm_head_adamw_step");
    String[] f = forward(g, type, hidden);
    String diff = f[0];
    String negD = f[2];
    g.input(M, type, hidden);
    g.input(V, type, hidden);
    g.input(LR, type);
    g.input(BC1, type);
    g.input(BC2, type);
    // dL/dd_i = -weight_i * sigmoid(-d_i); dL/dw = sum_i dL/dd_i * (x_pos_i - x_neg_i)
    String dd = g.neg(g.mul(WEIGHT, g.sigmoid(negD)));
    String grad = g.matMul(dd, diff);
    String m = g.add(g.mul(scalar(g, type, beta1), M), g.mul(scalar(g, type, 1 - beta1), grad));
    String v =
        g.add(
            g.mul(scalar(g, type, beta2), V), g.mul(scalar(g, type, 1 - beta2), g.mul(grad, grad)));
    String mHat = g.div(m, BC1);
    String vHat = g.div(v, BC2);
    String update = g.div(mHat, g.add(g.sqrt(vHat), scalar(g, type, eps)));
    String decayed = g.mul(W, g.sub(scalar(g, type, 1.0), g.mul(LR, scalar(g, type, weightDecay))));
    String w = g.sub(decayed, g.mul(LR, update));
    g.output(grad, GRAD, type, hidden);
    g.output(w, W_NEW, type, hidden);
    g.output(m, M_NEW, type, hidden);
    g.output(v, V_NEW, type, hidden);
    return g.toByteArray();
  }
}
