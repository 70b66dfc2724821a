package io.rstar4j.train.autodiff;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gradient rules, one per operator, written with standard ONNX operators only (the inference
 * builds of ONNX Runtime have no gradient kernels).
 */
final class Rules {
  private Rules() {}

  /** A gradient rule: which inputs carry a gradient, and the backward nodes. */
  interface Rule {
    /** Whether input {@code i} can receive a gradient. */
    default boolean differentiable(OnnxMl.NodeProto n, int i) {
      return true;
    }

    /** Whether output {@code j} carries a gradient. */
    default boolean differentiableOutput(OnnxMl.NodeProto n, int j) {
      return true;
    }

    /** Emits the gradients of the node's inputs from those of its outputs. */
    void backward(OnnxMl.NodeProto n, Differentiator d);
  }

  /** Operators whose outputs never carry a gradient (indices, shapes, masks, comparisons). */
  static final Set<String> NON_DIFFERENTIABLE =
      Set.of(
          "Shape",
          "Size",
          "Equal",
          "Less",
          "LessOrEqual",
          "Greater",
          "GreaterOrEqual",
          "Not",
          "And",
          "Or",
          "Xor",
          "Range",
          "ConstantOfShape",
          "Constant",
          "ArgMax",
          "ArgMin",
          "NonZero",
          "Floor",
          "Ceil",
          "Round",
          "Sign",
          "IsNaN",
          "IsInf",
          "EyeLike",
          "RandomNormal",
          "RandomNormalLike",
          "RandomUniform",
          "RandomUniformLike",
          "Bernoulli",
          "Multinomial",
          "BitShift",
          "BitwiseAnd",
          "BitwiseOr",
          "BitwiseXor",
          "BitwiseNot",
          "Mod",
          "OneHot",
          "TopK");

  private static final Map<String, Rule> RULES = new HashMap<>();

  /** The operators that have a gradient rule. */
  static Set<String> supported() {
    return RULES.keySet();
  }

  static Rule rule(OnnxMl.NodeProto n) {
    String d = n.getDomain();
    if (n.getOpType().equals("SimplifiedLayerNormalization")
        && (d.isEmpty() || d.equals("ai.onnx") || d.equals("com.microsoft"))) {
      return RULES.get(n.getOpType());
    }
    if (!d.isEmpty() && !d.equals("ai.onnx")) {
      return null;
    }
    return RULES.get(n.getOpType());
  }

  private static Rule slots(Set<Integer> slots, Rule body) {
    return new Rule() {
      @Override
      public boolean differentiable(OnnxMl.NodeProto n, int i) {
        return slots.contains(i);
      }

      @Override
      public void backward(OnnxMl.NodeProto n, Differentiator d) {
        body.backward(n, d);
      }
    };
  }

  private static String in(OnnxMl.NodeProto n, int i) {
    return Graph.in(n, i);
  }

  private static String y(OnnxMl.NodeProto n) {
    return n.getOutput(0);
  }

  /** A unary rule: {@code dx = f(g, x, y)}. */
  private interface Unary {
    String apply(Differentiator d, String g, String x, String y);
  }

  private static void unary(String op, Unary f) {
    RULES.put(
        op,
        (n, d) -> {
          String g = d.grad(y(n));
          if (g != null && d.needs(in(n, 0))) {
            d.add(in(n, 0), f.apply(d, g, in(n, 0), y(n)));
          }
        });
  }

  static {
    // ---------------------------------------------------------------- elementwise arithmetic
    RULES.put(
        "Add",
        (n, d) -> {
          String g = d.grad(y(n));
          for (int i = 0; i < 2; i++) {
            if (d.needs(in(n, i))) {
              d.add(in(n, i), d.unbroadcast(g, in(n, i), y(n)));
            }
          }
        });
    RULES.put(
        "Sub",
        (n, d) -> {
          String g = d.grad(y(n));
          if (d.needs(in(n, 0))) {
            d.add(in(n, 0), d.unbroadcast(g, in(n, 0), y(n)));
          }
          if (d.needs(in(n, 1))) {
            d.add(in(n, 1), d.e.neg(d.unbroadcast(g, in(n, 1), y(n))));
          }
        });
    RULES.put(
        "Sum",
        (n, d) -> {
          String g = d.grad(y(n));
          for (int i = 0; i < n.getInputCount(); i++) {
            if (d.needs(in(n, i))) {
              d.add(in(n, i), d.unbroadcast(g, in(n, i), y(n)));
            }
          }
        });
    RULES.put(
        "Mul",
        (n, d) -> {
          String g = d.grad(y(n));
          String a = in(n, 0);
          String b = in(n, 1);
          if (d.needs(a)) {
            d.add(a, d.unbroadcast(d.e.mul(g, b), a, y(n)));
          }
          if (d.needs(b)) {
            d.add(b, d.unbroadcast(d.e.mul(g, a), b, y(n)));
          }
        });
    RULES.put(
        "Div",
        (n, d) -> {
          String g = d.grad(y(n));
          String a = in(n, 0);
          String b = in(n, 1);
          if (d.needs(a)) {
            d.add(a, d.unbroadcast(d.e.div(g, b), a, y(n)));
          }
          if (d.needs(b)) {
            // d(a/b)/db = -y/b
            d.add(b, d.e.neg(d.unbroadcast(d.e.div(d.e.mul(g, y(n)), b), b, y(n))));
          }
        });
    RULES.put(
        "Pow",
        (n, d) -> {
          String g = d.grad(y(n));
          String a = in(n, 0);
          String b = in(n, 1);
          if (d.needs(a)) {
            double[] c = d.s.constDoubles(b);
            String ga;
            if (c != null && c.length == 1) {
              double p = c[0];
              if (p == 1) {
                ga = g;
              } else if (p == 2) {
                ga = d.e.mul(d.e.mul(g, a), d.constant(2, a));
              } else if (p == 0.5) {
                ga = d.e.div(d.e.mul(g, d.constant(0.5, a)), y(n));
              } else if (p == 0) {
                ga = d.e.mul(g, d.constant(0, a));
              } else {
                String pm1 = d.e.op("Pow", a, d.constant(p - 1, a));
                ga = d.e.mul(d.e.mul(g, pm1), d.constant(p, a));
              }
            } else {
              String bT = d.elem(b) == d.elem(a) ? b : d.e.op("CastLike", b, a);
              String pm1 = d.e.op("Pow", a, d.e.sub(bT, d.constant(1, a)));
              ga = d.e.mul(d.e.mul(g, pm1), bT);
            }
            d.add(a, d.unbroadcast(ga, a, y(n)));
          }
          if (d.needs(b)) {
            d.add(b, d.unbroadcast(d.e.mul(d.e.mul(g, y(n)), d.e.op("Log", a)), b, y(n)));
          }
        });
    for (String op : List.of("Max", "Min")) {
      // the gradient goes to the input that was selected (ties to the first)
      RULES.put(
          op,
          (n, d) -> {
            if (n.getInputCount() != 2) {
              throw new IllegalArgumentException(
                  "no gradient rule for " + Graph.label(n) + " with other than two inputs");
            }
            String g = d.grad(y(n));
            String a = in(n, 0);
            String b = in(n, 1);
            String first = d.e.op(op.equals("Max") ? "GreaterOrEqual" : "LessOrEqual", a, b);
            String zero = d.constant(0, y(n));
            if (d.needs(a)) {
              d.add(a, d.unbroadcast(d.e.where(first, g, zero), a, y(n)));
            }
            if (d.needs(b)) {
              d.add(b, d.unbroadcast(d.e.where(first, zero, g), b, y(n)));
            }
          });
    }
    slotsPut(
        "Clip",
        Set.of(0),
        (n, d) -> {
          String x = in(n, 0);
          if (!d.needs(x)) {
            return;
          }
          // passes where the input was inside the bounds (the output equals the input)
          d.add(x, d.e.where(d.e.op("Equal", x, y(n)), d.grad(y(n)), d.constant(0, x)));
        });
    slotsPut(
        "Where",
        Set.of(1, 2),
        (n, d) -> {
          String g = d.grad(y(n));
          String c = in(n, 0);
          String zero = d.constant(0, y(n));
          if (d.needs(in(n, 1))) {
            d.add(in(n, 1), d.unbroadcast(d.e.where(c, g, zero), in(n, 1), y(n)));
          }
          if (d.needs(in(n, 2))) {
            d.add(in(n, 2), d.unbroadcast(d.e.where(c, zero, g), in(n, 2), y(n)));
          }
        });
    slotsPut(
        "Expand",
        Set.of(0),
        (n, d) -> {
          if (d.needs(in(n, 0))) {
            d.add(in(n, 0), d.unbroadcast(d.grad(y(n)), in(n, 0), y(n)));
          }
        });

    // ---------------------------------------------------------------- unary
    unary("Identity", (d, g, x, y) -> g);
    unary("Neg", (d, g, x, y) -> d.e.neg(g));
    unary("Sqrt", (d, g, x, y) -> d.e.div(d.e.mul(g, d.constant(0.5, y)), y));
    unary("Reciprocal", (d, g, x, y) -> d.e.neg(d.e.mul(g, d.e.mul(y, y))));
    unary("Exp", (d, g, x, y) -> d.e.mul(g, y));
    unary("Log", (d, g, x, y) -> d.e.div(g, x));
    unary("Abs", (d, g, x, y) -> d.e.mul(g, d.e.op("Sign", x)));
    unary("Sin", (d, g, x, y) -> d.e.mul(g, d.e.op("Cos", x)));
    unary("Cos", (d, g, x, y) -> d.e.neg(d.e.mul(g, d.e.op("Sin", x))));
    unary("Sigmoid", (d, g, x, y) -> d.e.mul(g, d.e.mul(y, d.e.sub(d.constant(1, y), y))));
    unary("Tanh", (d, g, x, y) -> d.e.mul(g, d.e.sub(d.constant(1, y), d.e.mul(y, y))));
    unary(
        "Relu",
        (d, g, x, y) -> d.e.where(d.e.op("Greater", x, d.constant(0, x)), g, d.constant(0, x)));
    unary("Softplus", (d, g, x, y) -> d.e.mul(g, d.e.op("Sigmoid", x)));
    unary(
        "Erf",
        (d, g, x, y) ->
            d.e.mul(
                g,
                d.e.mul(
                    d.e.op("Exp", d.e.neg(d.e.mul(x, x))), d.constant(2 / Math.sqrt(Math.PI), x))));
    RULES.put(
        "LeakyRelu",
        (n, d) -> {
          String g = d.grad(y(n));
          String x = in(n, 0);
          if (d.needs(x)) {
            double alpha = Graph.attrFloat(n, "alpha", 0.01f);
            d.add(
                x,
                d.e.where(
                    d.e.op("Greater", x, d.constant(0, x)), g, d.e.mul(g, d.constant(alpha, x))));
          }
        });
    slotsPut(
        "Cast",
        Set.of(0),
        (n, d) -> {
          String x = in(n, 0);
          if (d.needs(x)) {
            String g = d.grad(y(n));
            int from = d.type(x).elemType();
            int to = (int) Graph.attrInt(n, "to", 0);
            if (from == to) {
              d.add(x, g);
            } else if (from != 0) {
              d.add(x, d.e.cast(g, from));
            } else {
              d.add(x, d.e.op("CastLike", g, x));
            }
          }
        });
    slotsPut(
        "CastLike",
        Set.of(0),
        (n, d) -> {
          String x = in(n, 0);
          if (d.needs(x)) {
            d.add(x, d.e.op("CastLike", d.grad(y(n)), x));
          }
        });
    RULES.put(
        "Dropout",
        new Rule() {
          @Override
          public boolean differentiable(OnnxMl.NodeProto n, int i) {
            return i == 0;
          }

          @Override
          public boolean differentiableOutput(OnnxMl.NodeProto n, int j) {
            return j == 0;
          }

          @Override
          public void backward(OnnxMl.NodeProto n, Differentiator d) {
            String x = in(n, 0);
            String g = d.grad(y(n));
            if (!d.needs(x) || g == null) {
              return;
            }
            String training = in(n, 2);
            long[] tm = training.isEmpty() ? new long[] {0} : d.s.staticInts(training);
            if (tm != null && tm[0] == 0) {
              d.add(x, g);
              return;
            }
            String mask = d.extraOutput(n, 1);
            String ratio = in(n, 1);
            double[] rc = ratio.isEmpty() ? new double[] {0.5} : d.s.constDoubles(ratio);
            String scale;
            if (rc != null) {
              scale = d.constant(1 / (1 - rc[0]), x);
            } else {
              String r = d.elem(ratio) == d.elem(x) ? ratio : d.e.op("CastLike", ratio, x);
              scale = d.e.op("Reciprocal", d.e.sub(d.constant(1, x), r));
            }
            d.add(x, d.e.mul(d.e.where(mask, g, d.constant(0, x)), scale));
          }
        });

    // ---------------------------------------------------------------- softmax
    RULES.put(
        "Softmax",
        (n, d) -> {
          String g = d.grad(y(n));
          String x = in(n, 0);
          if (!d.needs(x)) {
            return;
          }
          long axis = Graph.attrInt(n, "axis", -1);
          String gy = d.e.mul(g, y(n));
          String sum = d.e.reduceSum(gy, new long[] {axis}, true);
          d.add(x, d.e.sub(gy, d.e.mul(y(n), sum)));
        });
    RULES.put(
        "LogSoftmax",
        (n, d) -> {
          String g = d.grad(y(n));
          String x = in(n, 0);
          if (!d.needs(x)) {
            return;
          }
          long axis = Graph.attrInt(n, "axis", -1);
          String sum = d.e.reduceSum(g, new long[] {axis}, true);
          d.add(x, d.e.sub(g, d.e.mul(d.e.op("Exp", y(n)), sum)));
        });

    // ---------------------------------------------------------------- reductions
    slotsPut("ReduceSum", Set.of(0), (n, d) -> reduceGrad(n, d, false));
    slotsPut("ReduceMean", Set.of(0), (n, d) -> reduceGrad(n, d, true));
    slotsPut(
        "ReduceSumSquare",
        Set.of(0),
        (n, d) -> {
          String x = in(n, 0);
          if (!d.needs(x)) {
            return;
          }
          String gx = expandReduced(n, d, d.grad(y(n)));
          d.add(x, d.e.mul(d.e.mul(gx, x), d.constant(2, x)));
        });

    // ---------------------------------------------------------------- views
    for (String op : List.of("Reshape", "Squeeze", "Unsqueeze", "Flatten")) {
      slotsPut(
          op,
          Set.of(0),
          (n, d) -> {
            String x = in(n, 0);
            if (d.needs(x)) {
              d.add(x, d.e.reshape(d.grad(y(n)), d.shapeOf(x)));
            }
          });
    }
    RULES.put(
        "Transpose",
        (n, d) -> {
          String x = in(n, 0);
          if (!d.needs(x)) {
            return;
          }
          long[] perm = Graph.attrInts(n, "perm");
          int r = perm == null ? d.rank(x, n) : perm.length;
          long[] inv = new long[r];
          for (int i = 0; i < r; i++) {
            int p = perm == null ? r - 1 - i : (int) perm[i];
            inv[p] = i;
          }
          d.add(x, d.e.transpose(d.grad(y(n)), inv));
        });
    slotsPut("Slice", Set.of(0), Rules::sliceGrad);
    RULES.put("Concat", Rules::concatGrad);
    slotsPut("Split", Set.of(0), Rules::splitGrad);
    slotsPut("Gather", Set.of(0), Rules::gatherGrad);
    slotsPut(
        "GatherElements",
        Set.of(0),
        (n, d) -> {
          String x = in(n, 0);
          if (!d.needs(x)) {
            return;
          }
          long axis = Graph.attrInt(n, "axis", 0);
          int r = d.rank(x, n);
          int a = (int) (axis < 0 ? axis + r : axis);
          String idx = normaliseIndices(d, in(n, 1), x, a);
          String zeros = d.e.zerosLike(d.shapeOf(x), d.elem(x));
          d.add(
              x,
              d.e
                  .node("ScatterElements")
                  .in(zeros, idx, d.grad(y(n)))
                  .attr("axis", (long) a)
                  .attr("reduction", "add")
                  .add());
        });

    // ---------------------------------------------------------------- matrix products
    RULES.put("MatMul", Rules::matMulGrad);
    RULES.put("Gemm", Rules::gemmGrad);

    // ---------------------------------------------------------------- normalisation
    RULES.put(
        "LayerNormalization",
        new Rule() {
          @Override
          public boolean differentiableOutput(OnnxMl.NodeProto n, int j) {
            return j == 0;
          }

          @Override
          public void backward(OnnxMl.NodeProto n, Differentiator d) {
            normGrad(n, d, false);
          }
        });
    RULES.put(
        "SimplifiedLayerNormalization",
        new Rule() {
          @Override
          public boolean differentiableOutput(OnnxMl.NodeProto n, int j) {
            return j == 0;
          }

          @Override
          public void backward(OnnxMl.NodeProto n, Differentiator d) {
            normGrad(n, d, true);
          }
        });
  }

  private static void slotsPut(String op, Set<Integer> slots, Rule body) {
    RULES.put(op, slots(slots, body));
  }

  // ------------------------------------------------------------------ reductions

  /** The output gradient of a reduction brought back to the input's shape. */
  private static String expandReduced(OnnxMl.NodeProto n, Differentiator d, String g) {
    String x = in(n, 0);
    long[] axes = d.s.axesOf(n);
    boolean keep = Graph.attrInt(n, "keepdims", 1) != 0;
    boolean noop = Graph.attrInt(n, "noop_with_empty_axes", 0) != 0;
    String gk = g;
    if (axes == null) {
      // run-time axes
      if (!keep) {
        gk = d.e.op("Unsqueeze", g, in(n, 1));
      }
    } else if (axes.length == 0) {
      if (noop) {
        return g;
      }
    } else if (!keep) {
      gk = d.e.unsqueeze(g, axes);
    }
    ValueType tx = d.type(x);
    ValueType ty = d.type(y(n));
    if (tx.dims() != null && ty.dims() != null && tx.rank() == ty.rank() && keep) {
      boolean same = true;
      for (int i = 0; i < tx.rank(); i++) {
        same &= tx.dim(i).sameAs(ty.dim(i));
      }
      if (same) {
        return gk;
      }
    }
    return d.e.op("Expand", gk, d.shapeOf(x));
  }

  private static void reduceGrad(OnnxMl.NodeProto n, Differentiator d, boolean mean) {
    String x = in(n, 0);
    if (!d.needs(x)) {
      return;
    }
    String g = d.grad(y(n));
    if (mean) {
      Dim cx = d.type(x).dims() == null ? Dim.UNKNOWN : Dim.product(d.type(x).dims());
      Dim cy = d.type(y(n)).dims() == null ? Dim.UNKNOWN : Dim.product(d.type(y(n)).dims());
      String scale;
      Dim count = cx.dividedBy(cy);
      if (count.isStatic() && count.size() > 0) {
        scale = d.constant(1.0 / count.size(), x);
      } else {
        int t = d.elem(x);
        scale = d.e.div(d.e.cast(d.e.op("Size", y(n)), t), d.e.cast(d.e.op("Size", x), t));
      }
      g = d.e.mul(g, scale);
    }
    d.add(x, expandReduced(n, d, g));
  }

  // ------------------------------------------------------------------ views

  private static void sliceGrad(OnnxMl.NodeProto n, Differentiator d) {
    String x = in(n, 0);
    if (!d.needs(x)) {
      return;
    }
    String g = d.grad(y(n));
    int r = d.rank(x, n);
    long[] starts = d.s.staticInts(in(n, 1));
    long[] ends = d.s.staticInts(in(n, 2));
    long[] axes = in(n, 3).isEmpty() ? null : d.s.staticInts(in(n, 3));
    long[] steps = in(n, 4).isEmpty() ? null : d.s.staticInts(in(n, 4));
    if (!in(n, 3).isEmpty() && axes == null) {
      throw new IllegalArgumentException(
          "cannot differentiate " + Graph.label(n) + ": its axes are computed at run time");
    }
    if (!in(n, 4).isEmpty() && steps == null) {
      throw new IllegalArgumentException(
          "cannot differentiate " + Graph.label(n) + ": its steps are computed at run time");
    }
    int k =
        starts != null
            ? starts.length
            : axes != null ? axes.length : (int) d.type(in(n, 1)).dims().get(0).size();
    if (axes == null) {
      axes = new long[k];
      for (int i = 0; i < k; i++) {
        axes[i] = i;
      }
    }
    if (steps != null) {
      for (long st : steps) {
        if (st != 1) {
          throw new IllegalArgumentException(
              "no gradient rule for "
                  + Graph.label(n)
                  + " with steps other than 1 (steps "
                  + java.util.Arrays.toString(steps)
                  + ")");
        }
      }
    }
    int[] ax = new int[k];
    for (int i = 0; i < k; i++) {
      ax[i] = (int) (axes[i] < 0 ? axes[i] + r : axes[i]);
    }
    ValueType tx = d.type(x);
    // Static pads when the bounds are constants and the sliced dimensions static.
    boolean isStatic = starts != null && ends != null;
    for (int i = 0; isStatic && i < k; i++) {
      isStatic = tx.dims() != null && tx.dim(ax[i]).isStatic();
    }
    if (isStatic) {
      long[] pads = new long[2 * r];
      for (int i = 0; i < k; i++) {
        long dim = tx.dim(ax[i]).size();
        long[] se = Shapes.sliceBounds(starts[i], ends[i], 1, dim);
        long end = Math.max(se[0], se[1]);
        pads[ax[i]] = se[0];
        pads[r + ax[i]] = dim - end;
      }
      boolean none = true;
      for (long p : pads) {
        none &= p == 0;
      }
      d.add(x, none ? g : d.e.op("Pad", g, d.e.ints(pads)));
      return;
    }
    // Run-time bounds: clamp as Slice does, then pad with zeros.
    long[] axArr = new long[k];
    for (int i = 0; i < k; i++) {
      axArr[i] = ax[i];
    }
    Emitter e = d.e;
    String dims = e.node("Gather").in(e.shapeOf(x), e.ints(axArr)).attr("axis", 0L).add();
    String zero = e.scalarInt(0);
    String st = e.cast(in(n, 1), DataType.INT64_VALUE);
    String en = e.cast(in(n, 2), DataType.INT64_VALUE);
    st = e.where(e.op("Less", st, zero), e.add(st, dims), st);
    en = e.where(e.op("Less", en, zero), e.add(en, dims), en);
    st = e.op("Max", e.op("Min", st, dims), zero);
    en = e.op("Max", e.op("Min", en, dims), st);
    String before = st;
    String after = e.sub(dims, en);
    long[] idx = new long[2 * k];
    for (int i = 0; i < k; i++) {
      idx[i] = ax[i];
      idx[k + i] = r + ax[i];
    }
    String pads =
        e.node("ScatterElements")
            .in(
                e.ints(new long[2 * r]),
                e.ints(idx),
                e.node("Concat").in(before, after).attr("axis", 0L).add())
            .attr("axis", 0L)
            .add();
    d.add(x, e.op("Pad", g, pads));
  }

  private static void concatGrad(OnnxMl.NodeProto n, Differentiator d) {
    String g = d.grad(y(n));
    int r = d.rank(y(n), n);
    long axisAttr = Graph.attrInt(n, "axis", 0);
    int axis = (int) (axisAttr < 0 ? axisAttr + r : axisAttr);
    int count = n.getInputCount();
    List<Dim> lens = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ValueType t = d.type(in(n, i));
      lens.add(t.dims() == null ? Dim.UNKNOWN : t.dim(axis));
    }
    for (int i = 0; i < count; i++) {
      String x = in(n, i);
      if (!d.needs(x)) {
        continue;
      }
      boolean othersEmpty = true;
      for (int j = 0; j < count; j++) {
        if (j != i && !lens.get(j).is(0)) {
          othersEmpty = false;
        }
      }
      if (othersEmpty) {
        d.add(x, g);
        continue;
      }
      // start = sum of the earlier inputs' lengths; end = start + own length
      long staticStart = 0;
      boolean startStatic = true;
      for (int j = 0; j < i; j++) {
        if (lens.get(j).isStatic()) {
          staticStart += lens.get(j).size();
        } else {
          startStatic = false;
        }
      }
      String start;
      String end;
      Emitter e = d.e;
      if (startStatic) {
        start = e.ints(staticStart);
      } else {
        start = null;
        for (int j = 0; j < i; j++) {
          String l = d.dimOf(in(n, j), axis);
          start = start == null ? l : e.add(start, l);
        }
      }
      if (i == count - 1) {
        end = e.ints(Long.MAX_VALUE);
      } else if (startStatic && lens.get(i).isStatic()) {
        end = e.ints(staticStart + lens.get(i).size());
      } else {
        end = e.add(start, d.dimOf(x, axis));
      }
      d.add(x, e.op("Slice", g, start, end, e.ints(axis)));
    }
  }

  private static void splitGrad(OnnxMl.NodeProto n, Differentiator d) {
    String x = in(n, 0);
    if (!d.needs(x)) {
      return;
    }
    int r = d.rank(x, n);
    long axisAttr = Graph.attrInt(n, "axis", 0);
    long axis = axisAttr < 0 ? axisAttr + r : axisAttr;
    String[] parts = new String[n.getOutputCount()];
    for (int j = 0; j < parts.length; j++) {
      String o = n.getOutput(j);
      String gj = o.isEmpty() ? null : d.grad(o);
      parts[j] = gj != null ? gj : d.e.zerosLike(d.shapeOf(o), d.elem(x));
    }
    d.add(x, d.e.node("Concat").in(parts).attr("axis", axis).add());
  }

  /** Negative indices made positive (Gather allows them). */
  private static String normaliseIndices(Differentiator d, String idx, String data, int axis) {
    long[] c = d.s.staticInts(idx);
    if (c != null) {
      boolean nonNeg = true;
      for (long v : c) {
        nonNeg &= v >= 0;
      }
      if (nonNeg) {
        return d.type(idx).elemType() == DataType.INT64_VALUE
            ? idx
            : d.e.cast(idx, DataType.INT64_VALUE);
      }
    }
    Emitter e = d.e;
    String i64 =
        d.type(idx).elemType() == DataType.INT64_VALUE ? idx : e.cast(idx, DataType.INT64_VALUE);
    ValueType td = d.type(data);
    String dim =
        td.dims() != null && td.dim(axis).isStatic()
            ? e.scalarInt(td.dim(axis).size())
            : e.squeeze(d.dimOf(data, axis), 0);
    return e.where(e.op("Less", i64, e.scalarInt(0)), e.add(i64, dim), i64);
  }

  private static void gatherGrad(OnnxMl.NodeProto n, Differentiator d) {
    String x = in(n, 0);
    if (!d.needs(x)) {
      return;
    }
    String g = d.grad(y(n));
    int r = d.rank(x, n);
    int q = d.rank(in(n, 1), n);
    long axisAttr = Graph.attrInt(n, "axis", 0);
    int a = (int) (axisAttr < 0 ? axisAttr + r : axisAttr);
    Emitter e = d.e;
    String idx = e.unsqueeze(normaliseIndices(d, in(n, 1), x, a), -1);
    int t = d.elem(x);
    if (a == 0) {
      String zeros = e.zerosLike(d.shapeOf(x), t);
      d.add(x, e.node("ScatterND").in(zeros, idx, g).attr("reduction", "add").add());
      return;
    }
    // Move the gathered axis first, scatter, move it back.
    long[] permG = new long[q + r - 1];
    int k = 0;
    for (int i = 0; i < q; i++) {
      permG[k++] = a + i;
    }
    for (int i = 0; i < a; i++) {
      permG[k++] = i;
    }
    for (int i = a + q; i < q + r - 1; i++) {
      permG[k++] = i;
    }
    long[] permX = new long[r];
    permX[0] = a;
    for (int i = 0; i < a; i++) {
      permX[i + 1] = i;
    }
    for (int i = a + 1; i < r; i++) {
      permX[i] = i;
    }
    long[] invX = new long[r];
    for (int i = 0; i < r; i++) {
      invX[(int) permX[i]] = i;
    }
    String gt = e.transpose(g, permG);
    ValueType tx = d.type(x);
    String shapeT;
    if (tx.fullyStatic()) {
      long[] sd = tx.staticDims();
      long[] st = new long[r];
      for (int i = 0; i < r; i++) {
        st[i] = sd[(int) permX[i]];
      }
      shapeT = e.ints(st);
    } else {
      shapeT = e.node("Gather").in(e.shapeOf(x), e.ints(permX)).attr("axis", 0L).add();
    }
    String zeros = e.zerosLike(shapeT, t);
    String scattered = e.node("ScatterND").in(zeros, idx, gt).attr("reduction", "add").add();
    d.add(x, e.transpose(scattered, invX));
  }

  // ------------------------------------------------------------------ matrix products

  private static long[] swapLast(int rank) {
    long[] p = new long[rank];
    for (int i = 0; i < rank; i++) {
      p[i] = i;
    }
    p[rank - 2] = rank - 1;
    p[rank - 1] = rank - 2;
    return p;
  }

  private static void matMulGrad(OnnxMl.NodeProto n, Differentiator d) {
    String a = in(n, 0);
    String b = in(n, 1);
    String g = d.grad(y(n));
    int ra = d.rank(a, n);
    int rb = d.rank(b, n);
    Emitter e = d.e;
    if (ra == 1 || rb == 1) {
      vectorMatMulGrad(n, d, a, b, g, ra, rb);
      return;
    }
    if (d.needs(a)) {
      // dA = g @ B^T, summed over batch axes A was broadcast along
      String bt = e.transpose(b, swapLast(rb));
      String ga = e.matMul(g, bt);
      if (rb > 2 || ra < rb) {
        ga = unbroadcastMatMul(d, ga, a, n, ra, Math.max(ra, rb));
      }
      d.add(a, ga);
    }
    if (d.needs(b)) {
      if (rb == 2) {
        // dB = sum over all leading axes of A^T @ g: flatten them into the rows.
        String kDim = d.dimOf(a, ra - 1);
        String nDim = d.dimOf(y(n), Math.max(ra, rb) - 1);
        String a2 =
            ra == 2
                ? a
                : e.reshape(a, e.node("Concat").in(e.ints(-1), kDim).attr("axis", 0L).add());
        String g2 =
            ra == 2
                ? g
                : e.reshape(g, e.node("Concat").in(e.ints(-1), nDim).attr("axis", 0L).add());
        d.add(b, e.matMul(e.transpose(a2, swapLast(2)), g2));
      } else {
        String at = e.transpose(a, swapLast(ra));
        String gb = e.matMul(at, g);
        if (ra > 2 || rb < ra) {
          gb = unbroadcastMatMul(d, gb, b, n, rb, Math.max(ra, rb));
        }
        d.add(b, gb);
      }
    }
  }

  /** Sums a batched product's gradient over the batch axes the operand was broadcast along. */
  private static String unbroadcastMatMul(
      Differentiator d, String grad, String operand, OnnxMl.NodeProto n, int rOp, int rOut) {
    ValueType to = d.type(operand);
    ValueType ty = d.type(y(n));
    if (to.dims() != null && ty.dims() != null) {
      int lead = rOut - rOp;
      List<Long> axes = new ArrayList<>();
      List<Long> kept = new ArrayList<>();
      boolean ambiguous = false;
      for (int i = 0; i < lead; i++) {
        axes.add((long) i);
      }
      for (int i = 0; i < rOp - 2; i++) {
        Dim od = to.dim(i);
        Dim yd = ty.dim(i + lead);
        if (od.is(1)) {
          if (!yd.is(1)) {
            axes.add((long) (i + lead));
            kept.add((long) i);
          }
        } else if (!(od.sameAs(yd) || od.isStatic() || yd.is(1))) {
          ambiguous = true;
        }
      }
      if (!ambiguous) {
        if (axes.isEmpty()) {
          return grad;
        }
        String r = d.e.reduceSum(grad, Differentiator.toArray(axes), false);
        return kept.isEmpty() ? r : d.e.unsqueeze(r, Differentiator.toArray(kept));
      }
    }
    // The gradient has the operand's matrix dims; the generic run-time path compares shapes.
    return d.unbroadcast(grad, operand, grad);
  }

  private static void vectorMatMulGrad(
      OnnxMl.NodeProto n, Differentiator d, String a, String b, String g, int ra, int rb) {
    Emitter e = d.e;
    if (ra == 1 && rb == 1) {
      // y = a . b (scalar)
      if (d.needs(a)) {
        d.add(a, e.mul(g, b));
      }
      if (d.needs(b)) {
        d.add(b, e.mul(g, a));
      }
      return;
    }
    if (ra == 1) {
      // a [k], B [..., k, n], y [..., n]
      if (d.needs(a)) {
        // dA = sum over batch of B @ g
        String gb = e.matMul(b, e.unsqueeze(g, -1)); // [..., k, 1]
        gb = e.squeeze(gb, -1);
        if (rb > 2) {
          long[] ax = new long[rb - 2];
          for (int i = 0; i < ax.length; i++) {
            ax[i] = i;
          }
          gb = e.reduceSum(gb, ax, false);
        }
        d.add(a, gb);
      }
      if (d.needs(b)) {
        // dB = a^T outer g, per batch
        d.add(b, e.mul(e.unsqueeze(a, -1), e.unsqueeze(g, -2)));
      }
      return;
    }
    // A [..., m, k], b [k], y [..., m]
    if (d.needs(a)) {
      d.add(a, e.mul(e.unsqueeze(g, -1), b));
    }
    if (d.needs(b)) {
      String kDim = d.dimOf(a, ra - 1);
      String a2 = e.reshape(a, e.node("Concat").in(e.ints(-1), kDim).attr("axis", 0L).add());
      String g2 = e.reshape(g, e.ints(1, -1));
      d.add(b, e.reshape(e.matMul(g2, a2), e.ints(-1)));
    }
  }

  private static void gemmGrad(OnnxMl.NodeProto n, Differentiator d) {
    String a = in(n, 0);
    String b = in(n, 1);
    String c = in(n, 2);
    String g = d.grad(y(n));
    boolean ta = Graph.attrInt(n, "transA", 0) != 0;
    boolean tb = Graph.attrInt(n, "transB", 0) != 0;
    float alpha = Graph.attrFloat(n, "alpha", 1f);
    float beta = Graph.attrFloat(n, "beta", 1f);
    Emitter e = d.e;
    if (d.needs(a)) {
      // Y = A' B' : dA' = g B'^T; A = A' or A'^T
      Emitter.Node gn =
          ta
              ? e.node("Gemm").in(b, g).attr("transA", tb ? 1L : 0L).attr("transB", 1L)
              : e.node("Gemm").in(g, b).attr("transB", tb ? 0L : 1L);
      if (alpha != 1f) {
        gn.attr("alpha", alpha);
      }
      d.add(a, gn.add());
    }
    if (d.needs(b)) {
      Emitter.Node gn =
          tb
              ? e.node("Gemm").in(g, a).attr("transA", 1L).attr("transB", ta ? 1L : 0L)
              : e.node("Gemm").in(a, g).attr("transA", ta ? 0L : 1L);
      if (alpha != 1f) {
        gn.attr("alpha", alpha);
      }
      d.add(b, gn.add());
    }
    if (!c.isEmpty() && d.needs(c)) {
      String gc = d.unbroadcast(g, c, y(n));
      d.add(c, beta == 1f ? gc : e.mul(gc, d.constant(beta, c)));
    }
  }

  // ------------------------------------------------------------------ normalisation

  private static void normGrad(OnnxMl.NodeProto n, Differentiator d, boolean simplified) {
    String x = in(n, 0);
    String scale = in(n, 1);
    String bias = simplified ? "" : in(n, 2);
    String g = d.grad(y(n));
    for (int j = 1; j < n.getOutputCount(); j++) {
      if (!n.getOutput(j).isEmpty() && d.grad(n.getOutput(j)) != null) {
        throw new IllegalArgumentException(
            "no gradient rule for the statistics outputs of " + Graph.label(n));
      }
    }
    if (g == null) {
      return;
    }
    Emitter e = d.e;
    int r = d.rank(x, n);
    long axisAttr = Graph.attrInt(n, "axis", -1);
    int axis = (int) (axisAttr < 0 ? axisAttr + r : axisAttr);
    long[] axes = new long[r - axis];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = axis + i;
    }
    float eps = Graph.attrFloat(n, "epsilon", 1e-5f);
    int stash = (int) Graph.attrInt(n, "stash_type", 1);
    int t = d.elem(x);
    String mean = null;
    String istd;
    if (t == DataType.FLOAT_VALUE
        && stash == 1
        && axis == r - 1
        && r > 1
        && d.type(scale).fullyStatic()) {
      // The forward kernel's own statistics (float), for the usual normalisation over the last
      // axis. (Over several axes, or with a scale of run-time shape, ONNX Runtime 1.29 plans a
      // wrong buffer for them: "Shape mismatch attempting to re-use buffer".)
      if (!simplified) {
        mean = d.extraOutput(n, 1);
        istd = d.extraOutput(n, 2);
      } else {
        istd = d.extraOutput(n, 1);
      }
    } else {
      String xc = x;
      if (!simplified) {
        mean = e.reduce("ReduceMean", x, axes, true);
        xc = e.sub(x, mean);
      }
      String var = e.reduce("ReduceMean", e.mul(xc, xc), axes, true);
      istd = e.op("Reciprocal", e.op("Sqrt", e.add(var, d.constant(eps, x))));
    }
    String xhat = simplified ? e.mul(x, istd) : e.mul(e.sub(x, mean), istd);
    if (d.needs(scale)) {
      d.add(scale, d.unbroadcast(e.mul(g, xhat), scale, y(n)));
    }
    if (!bias.isEmpty() && d.needs(bias)) {
      d.add(bias, d.unbroadcast(g, bias, y(n)));
    }
    if (d.needs(x)) {
      String dxhat = e.mul(g, scale);
      String m2 = e.reduce("ReduceMean", e.mul(dxhat, xhat), axes, true);
      String inner = e.sub(dxhat, e.mul(xhat, m2));
      if (!simplified) {
        inner = e.sub(inner, e.reduce("ReduceMean", dxhat, axes, true));
      }
      d.add(x, e.mul(inner, istd));
    }
  }
}
