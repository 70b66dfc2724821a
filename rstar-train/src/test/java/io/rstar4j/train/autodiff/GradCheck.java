package io.rstar4j.train.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.rstar4j.core.onnx.ElementType;
import io.rstar4j.core.onnx.OnnxGraphBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Gradient checks against central finite differences: one operator applied to random operands,
 * {@code loss = sum(y * R)} with a random {@code R}, the gradient graph's gradients compared with
 * {@code (L(x + h) - L(x - h)) / 2h} for every element of every trainable operand.
 */
final class GradCheck {
  /** How the non-trainable operands and dimensions reach the differentiator. */
  enum Mode {
    /** Everything an initializer: all shapes static. */
    STATIC,
    /** Non-trainable float operands are graph inputs with symbolic dimensions. */
    SYMBOLIC,
    /** As STATIC, but the differentiator forgets every dimension (run-time shape paths). */
    FORGET
  }

  /** A float operand. */
  record Operand(String name, double[] data, long[] shape, boolean trainable) {}

  /** One operator application. */
  record Case(
      String label,
      boolean dbl,
      List<Operand> operands,
      BiFunction<OnnxGraphBuilder, Map<String, String>, String> body,
      int opset) {
    Case(
        String label,
        boolean dbl,
        List<Operand> operands,
        BiFunction<OnnxGraphBuilder, Map<String, String>, String> body) {
      this(label, dbl, operands, body, 17);
    }

    @Override
    public String toString() {
      StringBuilder b =
          new StringBuilder(label)
              .append(dbl ? " (double)" : " (float)")
              .append(" opset ")
              .append(opset);
      for (Operand o : operands) {
        b.append(' ')
            .append(o.name())
            .append(Arrays.toString(o.shape()))
            .append(o.trainable() ? "*" : "");
      }
      return b.toString();
    }
  }

  /** Worst errors seen per operator, for the summary the tests print. */
  static final Map<String, double[]> WORST = new ConcurrentHashMap<>();

  private GradCheck() {}

  static String rawInit(OnnxGraphBuilder g, String name, double[] v, long[] shape, boolean dbl) {
    if (dbl) {
      ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
      for (double x : v) {
        b.putDouble(x);
      }
      return g.rawInitializer(name, ElementType.DOUBLE, b.array(), shape);
    }
    float[] f = new float[v.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) v[i];
    }
    return g.initializer(name, f, shape);
  }

  static String scalar(OnnxGraphBuilder g, double v, boolean dbl) {
    return rawInit(g, g.fresh("k"), new double[] {v}, new long[0], dbl);
  }

  private static OnnxMl.ModelProto model(Case c, Mode mode, double[] r, long[] yShape) {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("case").opset(c.opset());
    ElementType et = c.dbl() ? ElementType.DOUBLE : ElementType.FLOAT;
    Map<String, String> names = new LinkedHashMap<>();
    for (Operand o : c.operands()) {
      if (mode == Mode.SYMBOLIC && !o.trainable()) {
        Object[] dims = new Object[o.shape().length];
        for (int i = 0; i < dims.length; i++) {
          dims[i] = o.name() + "_d" + i;
        }
        names.put(o.name(), g.input(o.name(), et, dims));
      } else {
        names.put(o.name(), rawInit(g, o.name(), o.data(), o.shape(), c.dbl()));
      }
    }
    String y = c.body().apply(g, names);
    if (r == null) {
      g.output(y, "y", et);
      OnnxMl.ModelProto m = g.build();
      // no dims: clear the shape so that ORT accepts any
      OnnxMl.GraphProto.Builder gb = m.getGraph().toBuilder();
      OnnxMl.ValueInfoProto.Builder vi = gb.getOutputBuilder(0);
      vi.getTypeBuilder().getTensorTypeBuilder().clearShape();
      return m.toBuilder().setGraph(gb).build();
    }
    String rr = rawInit(g, "R", r, yShape, c.dbl());
    String loss = g.node("ReduceSum").inputs(g.mul(y, rr)).attr("keepdims", 0L).add();
    // (ReduceSum takes its axes as an input from opset 13 on: no axes = all, at every opset here)
    g.output(loss, "loss", et);
    return g.build();
  }

  private static Map<String, Ort.T> feeds(Case c, Mode mode, Map<String, double[]> params) {
    Map<String, Ort.T> f = new HashMap<>();
    for (Operand o : c.operands()) {
      double[] v = o.trainable() ? params.get(o.name()) : o.data();
      if (o.trainable() || mode == Mode.SYMBOLIC) {
        f.put(o.name(), c.dbl() ? Ort.T.dbl(v, o.shape()) : Ort.T.flt(v, o.shape()));
      }
    }
    return f;
  }

  /**
   * Checks the case; returns {max abs error, max error relative to the gradient scale}.
   *
   * @throws AssertionError when a gradient differs from the finite differences
   */
  static double[] check(Case c, Mode mode, long seed) throws Exception {
    // Forward once for the output shape.
    Map<String, double[]> params = new LinkedHashMap<>();
    List<String> trainable = new ArrayList<>();
    for (Operand o : c.operands()) {
      if (o.trainable()) {
        params.put(o.name(), o.data().clone());
        trainable.add(o.name());
      }
    }
    Map<String, Ort.T> fwdFeeds = new HashMap<>();
    for (Operand o : c.operands()) {
      if (mode == Mode.SYMBOLIC && !o.trainable()) {
        fwdFeeds.put(
            o.name(), c.dbl() ? Ort.T.dbl(o.data(), o.shape()) : Ort.T.flt(o.data(), o.shape()));
      }
    }
    Ort.Out y;
    try (Ort fwd = new Ort(model(c, mode, null, null))) {
      y = fwd.run(fwdFeeds).get("y");
    }
    Random rnd = new Random(seed);
    double[] r = new double[y.v().length];
    for (int i = 0; i < r.length; i++) {
      r[i] = rnd.nextGaussian();
    }
    OnnxMl.ModelProto lossModel = model(c, mode, r, y.shape());
    TrainingGraphBuilder b =
        TrainingGraphBuilder.forModel(lossModel).trainable(trainable).loss("loss");
    if (mode == Mode.FORGET) {
      b.forgetDims();
    }
    GradientGraph gg = b.buildGradients();
    if (Boolean.getBoolean("rstar.autodiff.dump")) {
      System.err.println("=== " + c + " mode " + mode + "\n" + Dump.text(gg.model()));
    }
    double worstAbs = 0;
    double worstRel = 0;
    try (Ort s = new Ort(gg.model())) {
      Map<String, Ort.Out> out = s.run(feeds(c, mode, params));
      for (String p : trainable) {
        double[] an = out.get(gg.gradientOutputs().get(p)).v();
        double[] x = params.get(p);
        double[] fd = new double[x.length];
        double scale = 1;
        for (int i = 0; i < x.length; i++) {
          double h = (c.dbl() ? 1e-5 : 3e-3) * Math.max(1, Math.abs(x[i]));
          double x0 = x[i];
          x[i] = x0 + h;
          double lp = s.run(feeds(c, mode, params)).get("loss").v()[0];
          x[i] = x0 - h;
          double lm = s.run(feeds(c, mode, params)).get("loss").v()[0];
          x[i] = x0;
          fd[i] = (lp - lm) / (2 * h);
          scale = Math.max(scale, Math.abs(fd[i]));
        }
        for (int i = 0; i < x.length; i++) {
          double err = Math.abs(an[i] - fd[i]);
          worstAbs = Math.max(worstAbs, err);
          worstRel = Math.max(worstRel, err / scale);
          double tol = c.dbl() ? 1e-6 : 5e-3;
          int k = i;
          double sc = scale;
          assertTrue(
              err <= tol * sc,
              () ->
                  c
                      + " mode "
                      + mode
                      + ": d loss / d "
                      + p
                      + "["
                      + k
                      + "] = "
                      + an[k]
                      + ", finite differences "
                      + fd[k]
                      + " (scale "
                      + sc
                      + ")");
        }
      }
    }
    WORST.merge(
        c.label().split(" ")[0] + (c.dbl() ? "" : " (float)"),
        new double[] {worstAbs, worstRel},
        (a, bb) -> new double[] {Math.max(a[0], bb[0]), Math.max(a[1], bb[1])});
    return new double[] {worstAbs, worstRel};
  }
}
