package io.rstar4j.train.ppm;

/**
 * The ONNX graphs that train the value head with ordinary inference sessions.
 *
 * <p>The step graph takes the head weights {@code w [h]}, the AdamW moments {@code m, v [h]}, the
 * learning rate and bias corrections as scalars, and a batch of cached backbone features of the
 * chosen ({@code x_pos [B,h]}) and rejected ({@code x_neg [B,h]}) texts with per-pair weights
 * {@code weight [B]}; it returns the loss {@code sum_i weight_i * -log sigmoid(r_pos - r_neg)},
 * the margins {@code r_pos - r_neg}, the gradient and the updated weights and moments. The head's
 * bias cancels in {@code r_pos - r_neg}, so it gets no gradient and is not trained.
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

  /** The forward part shared by both graphs; returns {diff, margin, loss}. */
  private static String[] forward(OnnxGraph g, int hidden) {
    g.input(X_POS, "B", hidden).input(X_NEG, "B", hidden).input(WEIGHT, "B").input(W, hidden);
    String diff = g.op("Sub", X_POS, X_NEG);
    String margin = g.opTo(MARGIN, "MatMul", diff, W);
    // -log sigmoid(d) = softplus(-d) = relu(-d) + log(1 + exp(-|d|)), stable for any d
    String negD = g.op("Neg", margin);
    String softplus =
        g.op(
            "Add",
            g.op("Relu", negD),
            g.op("Log", g.op("Add", g.constant(1.0), g.op("Exp", g.op("Neg", g.op("Abs", margin))))));
    String loss = g.opWithInt("ReduceSum", "keepdims", 0, g.op("Mul", WEIGHT, softplus));
    g.opTo(LOSS, "Identity", loss);
    g.output(LOSS).output(MARGIN, "B");
    return new String[] {diff, margin, negD};
  }

  /** Loss and margins only: for held-out evaluation and finite-difference checks. */
  static byte[] evalGraph(int hidden, int elemType) {
    OnnxGraph g = new OnnxGraph("ppm_head_eval", elemType);
    forward(g, hidden);
    return g.toBytes();
  }

  /** One AdamW step on the head weights (decoupled weight decay, PyTorch's AdamW). */
  static byte[] stepGraph(
      int hidden, int elemType, double beta1, double beta2, double eps, double weightDecay) {
    OnnxGraph g = new OnnxGraph("ppm_head_adamw_step", elemType);
    String[] f = forward(g, hidden);
    String diff = f[0];
    String negD = f[2];
    g.input(M, hidden).input(V, hidden).input(LR).input(BC1).input(BC2);
    // dL/dd_i = -weight_i * sigmoid(-d_i); dL/dw = sum_i dL/dd_i * (x_pos_i - x_neg_i)
    String dd = g.op("Neg", g.op("Mul", WEIGHT, g.op("Sigmoid", negD)));
    String grad = g.opTo(GRAD, "MatMul", dd, diff);
    String m =
        g.opTo(
            M_NEW,
            "Add",
            g.op("Mul", g.constant(beta1), M),
            g.op("Mul", g.constant(1 - beta1), grad));
    String v =
        g.opTo(
            V_NEW,
            "Add",
            g.op("Mul", g.constant(beta2), V),
            g.op("Mul", g.constant(1 - beta2), g.op("Mul", grad, grad)));
    String mHat = g.op("Div", m, BC1);
    String vHat = g.op("Div", v, BC2);
    String update = g.op("Div", mHat, g.op("Add", g.op("Sqrt", vHat), g.constant(eps)));
    String decayed = g.op("Mul", W, g.op("Sub", g.constant(1.0), g.op("Mul", LR, g.constant(weightDecay))));
    g.opTo(W_NEW, "Sub", decayed, g.op("Mul", LR, update));
    g.output(GRAD, hidden).output(W_NEW, hidden).output(M_NEW, hidden).output(V_NEW, hidden);
    return g.toBytes();
  }
}
