package io.rstar4j.train.autodiff;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation of a forward graph: which values depend differentiably on the
 * parameters (active), which the loss depends on (relevant), and for every node that is both, the
 * gradient rule's nodes in reverse topological order, summing the contributions of values used more
 * than once.
 */
final class Differentiator {
  private static final System.Logger LOG = System.getLogger(Differentiator.class.getName());
  final Graph g;
  final Shapes s;
  final Emitter e;
  private final List<String> params;
  private final String loss;

  /** The float type of the parameters; constants of unknown type get it. */
  final int dtype;

  private final Set<String> active = new HashSet<>();
  private final Set<String> relevant = new HashSet<>();
  private final Map<String, List<String>> contributions = new HashMap<>();
  private final Map<String, String> summed = new HashMap<>();

  /** Forward nodes the rules extended with optional outputs, by the node's first output. */
  final Map<String, OnnxMl.NodeProto> replaced = new HashMap<>();

  Differentiator(Graph g, Shapes s, Emitter e, List<String> params, String loss, int dtype) {
    this.g = g;
    this.s = s;
    this.e = e;
    this.params = params;
    this.loss = loss;
    this.dtype = dtype;
  }

  /** Emits the backward pass; returns each parameter's gradient value. */
  Map<String, String> run() {
    analyse();
    Map<String, OnnxMl.NodeProto> needed = new LinkedHashMap<>();
    for (OnnxMl.NodeProto n : g.nodes) {
      if (isNeeded(n)) {
        Rules.Rule r = Rules.rule(n);
        if (r == null) {
          throw new IllegalArgumentException(missingRule(n));
        }
        needed.put(n.getOutput(0), n);
      }
    }
    seed();
    List<OnnxMl.NodeProto> order = new ArrayList<>(needed.values());
    for (int i = order.size() - 1; i >= 0; i--) {
      OnnxMl.NodeProto n = order.get(i);
      boolean any = false;
      for (String o : n.getOutputList()) {
        if (!o.isEmpty() && contributions.containsKey(o)) {
          any = true;
        }
      }
      if (any) {
        Rules.rule(n).backward(n, this);
      }
    }
    Map<String, String> grads = new LinkedHashMap<>();
    for (String p : params) {
      String gp = grad(p);
      if (gp == null) {
        throw new IllegalArgumentException(
            "trainable initializer '" + p + "' gets no gradient from the loss '" + loss + "'");
      }
      grads.put(p, gp);
    }
    return grads;
  }

  private static String missingRule(OnnxMl.NodeProto n) {
    String fused =
        n.getDomain().equals("com.microsoft")
            ? "; fused contrib operators have no gradient from standard operators: train on an"
                + " unfused export"
            : "";
    return "no gradient rule for "
        + Graph.label(n)
        + ", which lies between the trainable parameters and the loss"
        + fused;
  }

  private void analyse() {
    active.addAll(params);
    for (OnnxMl.NodeProto n : g.nodes) {
      if (Rules.NON_DIFFERENTIABLE.contains(n.getOpType()) && isDefaultDomain(n)) {
        continue;
      }
      Rules.Rule r = Rules.rule(n);
      boolean in = false;
      for (int i = 0; i < n.getInputCount(); i++) {
        String x = n.getInput(i);
        if (!x.isEmpty() && active.contains(x) && (r == null || r.differentiable(n, i))) {
          in = true;
        }
      }
      if (!in) {
        continue;
      }
      for (int j = 0; j < n.getOutputCount(); j++) {
        String o = n.getOutput(j);
        if (o.isEmpty()) {
          continue;
        }
        int t = s.type(o).elemType();
        if (t != 0 && !ValueType.isFloatType(t)) {
          continue;
        }
        if (r != null && !r.differentiableOutput(n, j)) {
          continue;
        }
        active.add(o);
      }
    }
    relevant.add(loss);
    for (int k = g.nodes.size() - 1; k >= 0; k--) {
      OnnxMl.NodeProto n = g.nodes.get(k);
      boolean rel = false;
      for (String o : n.getOutputList()) {
        if (relevant.contains(o)) {
          rel = true;
        }
      }
      if (rel) {
        for (String x : n.getInputList()) {
          if (!x.isEmpty()) {
            relevant.add(x);
          }
        }
      }
    }
    for (String p : params) {
      if (!relevant.contains(p)) {
        throw new IllegalArgumentException(
            "trainable initializer '" + p + "' does not affect the loss '" + loss + "'");
      }
    }
    if (!active.contains(loss)) {
      throw new IllegalArgumentException(
          "the loss '"
              + loss
              + "' does not depend on the trainable parameters through differentiable operators");
    }
  }

  private static boolean isDefaultDomain(OnnxMl.NodeProto n) {
    return n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
  }

  private boolean isNeeded(OnnxMl.NodeProto n) {
    if (Rules.NON_DIFFERENTIABLE.contains(n.getOpType()) && isDefaultDomain(n)) {
      return false;
    }
    boolean out = false;
    for (String o : n.getOutputList()) {
      if (!o.isEmpty() && active.contains(o) && relevant.contains(o)) {
        out = true;
      }
    }
    return out;
  }

  private void seed() {
    ValueType lt = s.type(loss);
    if (lt.dims() == null) {
      throw new IllegalArgumentException(
          "the loss '" + loss + "' must be a scalar; its shape could not be inferred");
    }
    for (Dim d : lt.dims()) {
      if (!d.is(1)) {
        throw new IllegalArgumentException(
            "the loss '" + loss + "' must be a scalar, its shape is " + lt.dims());
      }
    }
    int t = lt.elemType() != 0 ? lt.elemType() : dtype;
    String one = e.scalar(t, 1.0);
    if (lt.rank() > 0) {
      long[] shape = new long[lt.rank()];
      java.util.Arrays.fill(shape, 1);
      one = e.reshape(one, e.ints(shape));
    }
    contributions.computeIfAbsent(loss, k -> new ArrayList<>()).add(one);
  }

  // ------------------------------------------------------------------ the rules' context

  /** The gradient of a forward value (its contributions summed), or null when it has none. */
  String grad(String value) {
    if (value.isEmpty()) {
      return null;
    }
    String done = summed.get(value);
    if (done != null) {
      return done;
    }
    List<String> c = contributions.get(value);
    if (c == null || c.isEmpty()) {
      return null;
    }
    String r;
    if (c.size() == 1) {
      r = c.get(0);
    } else if (c.size() == 2) {
      r = e.add(c.get(0), c.get(1));
    } else {
      r = e.node("Sum").in(c.toArray(new String[0])).add();
    }
    summed.put(value, r);
    return r;
  }

  /** Whether a gradient is wanted for this input of a node being differentiated. */
  boolean needs(String input) {
    return !input.isEmpty() && active.contains(input) && relevant.contains(input);
  }

  /** Adds a contribution to a forward value's gradient. */
  void add(String input, String gradValue) {
    if (summed.containsKey(input)) {
      throw new IllegalStateException(
          "gradient of '" + input + "' was read before it was complete");
    }
    contributions.computeIfAbsent(input, k -> new ArrayList<>()).add(gradValue);
  }

  ValueType type(String v) {
    return s.type(v);
  }

  /** The float element type of a value (the parameters' type when unknown). */
  int elem(String v) {
    int t = s.type(v).elemType();
    return t != 0 && ValueType.isFloatType(t) ? t : dtype;
  }

  String constant(double v, String like) {
    return e.scalar(elem(like), v);
  }

  /** The shape of a value: a constant when fully static, else a Shape node. */
  String shapeOf(String v) {
    ValueType t = s.type(v);
    if (t.fullyStatic()) {
      return e.ints(t.staticDims());
    }
    return e.shapeOf(v);
  }

  /** One dimension of a value as a 1-D int64 tensor of length 1. */
  String dimOf(String v, int axis) {
    ValueType t = s.type(v);
    if (t.dims() != null && t.dim(axis).isStatic()) {
      return e.ints(t.dim(axis).size());
    }
    return e.node("Gather").in(e.shapeOf(v), e.ints(axis)).attr("axis", 0L).add();
  }

  int rank(String v, OnnxMl.NodeProto n) {
    ValueType t = s.type(v);
    if (t.dims() == null) {
      throw new IllegalArgumentException(
          "cannot differentiate " + Graph.label(n) + ": the rank of '" + v + "' is unknown");
    }
    return t.rank();
  }

  /**
   * Sums {@code gy} (a gradient shaped like the forward value {@code y}) over the axes along which
   * {@code a} was broadcast to {@code y}, giving a gradient shaped like {@code a}.
   */
  String unbroadcast(String gy, String a, String y) {
    ValueType ta = s.type(a);
    ValueType ty = s.type(y);
    if (ta.dims() != null && ty.dims() != null && ty.rank() >= ta.rank()) {
      int lead = ty.rank() - ta.rank();
      List<Long> axes = new ArrayList<>();
      List<Long> kept = new ArrayList<>();
      boolean ambiguous = false;
      for (int i = 0; i < lead; i++) {
        axes.add((long) i);
      }
      for (int i = 0; i < ta.rank(); i++) {
        Dim ad = ta.dim(i);
        Dim yd = ty.dim(i + lead);
        if (ad.is(1)) {
          if (!yd.is(1)) {
            axes.add((long) (i + lead));
            kept.add((long) i);
          }
        } else if (!(ad.sameAs(yd) || ad.isStatic() || yd.is(1))) {
          ambiguous = true;
        }
      }
      if (!ambiguous) {
        if (axes.isEmpty()) {
          return gy;
        }
        String r = e.reduceSum(gy, toArray(axes), false);
        if (!kept.isEmpty()) {
          r = e.unsqueeze(r, toArray(kept));
        }
        return r;
      }
    }
    // Run-time shapes: reduce over the axes where a's (left-padded) shape is 1 and y's is not.
    LOG.log(
        System.Logger.Level.DEBUG,
        () -> "run-time unbroadcast of " + a + " " + ta + " to " + y + " " + ty);
    String sa = e.shapeOf(a);
    String sg = e.shapeOf(gy);
    String diff = e.sub(e.shapeOf(sg), e.shapeOf(sa));
    String ones =
        e.node("ConstantOfShape")
            .in(diff)
            .attr("value", Emitter.fillValue(DataType.INT64_VALUE, 1))
            .add();
    String padded = e.node("Concat").in(ones, sa).attr("axis", 0L).add();
    String one = e.scalarInt(1);
    String cond = e.op("And", e.op("Equal", padded, one), e.op("Not", e.op("Equal", sg, one)));
    String axes = e.reshape(e.op("NonZero", cond), e.ints(-1));
    String r =
        e.node("ReduceSum")
            .in(gy, axes)
            .attr("keepdims", 1L)
            .attr("noop_with_empty_axes", 1L)
            .add();
    return e.reshape(r, sa);
  }

  /** The name of a forward node's optional output, adding it to the node when absent. */
  String extraOutput(OnnxMl.NodeProto n, int index) {
    OnnxMl.NodeProto cur = replaced.getOrDefault(n.getOutput(0), n);
    if (index < cur.getOutputCount() && !cur.getOutput(index).isEmpty()) {
      return cur.getOutput(index);
    }
    OnnxMl.NodeProto.Builder b = cur.toBuilder();
    while (b.getOutputCount() <= index) {
      b.addOutput("");
    }
    String name = e.fresh("saved");
    b.setOutput(index, name);
    replaced.put(n.getOutput(0), b.build());
    return name;
  }

  static long[] toArray(List<Long> l) {
    long[] r = new long[l.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = l.get(i);
    }
    return r;
  }
}
