package io.rstar4j.train.autodiff;

/** The nodes of gradient clipping and one AdamW update, PyTorch's formulas. */
final class AdamW {
  private AdamW() {}

  /** Per-step scalars shared by every parameter's update. */
  record Scalars(String stepSize, String invSqrtBc2, String decay, String c1, String c2) {}

  static Scalars scalars(
      Emitter e,
      int t,
      String lr,
      String wd,
      String step,
      String maxNorm,
      String gradNorm,
      double beta1,
      double beta2) {
    String tf = e.cast(step, t);
    String one = e.scalar(t, 1);
    String bc1 = e.sub(one, e.op("Pow", e.scalar(t, beta1), tf));
    String bc2 = e.sub(one, e.op("Pow", e.scalar(t, beta2), tf));
    String stepSize = e.div(lr, bc1);
    String invSqrtBc2 = e.op("Reciprocal", e.op("Sqrt", bc2));
    String decay = e.sub(one, e.mul(lr, wd));
    String c1 = e.scalar(t, 1 - beta1);
    String c2 = e.scalar(t, 1 - beta2);
    if (maxNorm != null) {
      // torch.nn.utils.clip_grad_norm_: coef = max_norm / (norm + 1e-6), clamped to 1
      String coef = e.div(maxNorm, e.add(gradNorm, e.scalar(t, 1e-6)));
      String clip = e.op("Min", coef, one);
      c1 = e.mul(c1, clip);
      c2 = e.mul(c2, e.mul(clip, clip));
    }
    return new Scalars(stepSize, invSqrtBc2, decay, c1, c2);
  }

  /**
   * @param names {m in, v in, p out, m out, v out}
   */
  static void update(
      Emitter e,
      Scalars s,
      String p,
      String g,
      String[] names,
      boolean decay,
      double beta1,
      double beta2,
      double eps,
      int t) {
    String m =
        e.node("Add").in(e.mul(names[0], e.scalar(t, beta1)), e.mul(g, s.c1())).out(names[3]).add();
    String v =
        e.node("Add")
            .in(e.mul(names[1], e.scalar(t, beta2)), e.mul(e.mul(g, g), s.c2()))
            .out(names[4])
            .add();
    String denom = e.add(e.mul(e.op("Sqrt", v), s.invSqrtBc2()), e.scalar(t, eps));
    String base = decay ? e.mul(p, s.decay()) : p;
    e.node("Sub").in(base, e.mul(e.div(m, denom), s.stepSize())).out(names[2]).add();
  }
}
