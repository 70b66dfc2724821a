package io.rstar4j.train.autodiff;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Element types and shapes of a forward graph's values, inferred node by node (dimensions static,
 * symbolic or unknown), with the values of small integer tensors (shapes, axes) tracked where they
 * can be, as ONNX's data propagation does. The gradient rules use what is known to emit static
 * reductions and reshapes, and fall back to shape arithmetic at run time where it is not.
 */
final class Shapes {
  /** The value of a rank-0 or rank-1 integer tensor, element by element. */
  record IntVal(List<Dim> elems, boolean scalar) {
    long[] staticValues() {
      long[] r = new long[elems.size()];
      for (int i = 0; i < r.length; i++) {
        if (!elems.get(i).isStatic()) {
          return null;
        }
        r[i] = elems.get(i).size();
      }
      return r;
    }
  }

  private static final int MAX_TRACKED = 64;

  private final Graph g;
  private final boolean forgetDims;
  private final Map<String, ValueType> types = new HashMap<>();
  private final Map<String, IntVal> ints = new HashMap<>();
  private final Map<String, OnnxMl.TensorProto> constants = new HashMap<>();

  /**
   * @param forgetDims treat every dimension as unknown (ranks and types stay known); for tests of
   *     the run-time shape paths
   */
  Shapes(Graph g, boolean forgetDims) {
    this(g, forgetDims, Map.of());
  }

  /**
   * @param bindings symbolic dimension names known to equal other sizes (e.g. the past length 0)
   */
  Shapes(Graph g, boolean forgetDims, Map<String, Dim> bindings) {
    this.g = g;
    this.forgetDims = forgetDims;
    for (OnnxMl.TensorProto t : g.initializers.values()) {
      constants.put(t.getName(), t);
      List<Dim> dims = new ArrayList<>();
      for (long d : t.getDimsList()) {
        dims.add(Dim.of(d));
      }
      types.put(t.getName(), ValueType.of(t.getDataType(), dims));
      trackConstant(t.getName(), t);
    }
    for (OnnxMl.ValueInfoProto i : g.inputs.values()) {
      types.put(i.getName(), fromValueInfo(i, bindings));
    }
    for (OnnxMl.NodeProto n : g.nodes) {
      try {
        infer(n);
      } catch (RuntimeException e) {
        for (String o : n.getOutputList()) {
          types.putIfAbsent(o, ValueType.UNKNOWN);
        }
      }
      for (String o : n.getOutputList()) {
        OnnxMl.ValueInfoProto vi = g.valueInfo.get(o);
        if (vi == null) {
          vi = g.outputs.get(o);
        }
        if (vi != null) {
          types.put(o, merge(types.get(o), fromValueInfo(vi, bindings)));
        }
      }
    }
  }

  /** The inferred type, with what the model declares filling the gaps. */
  private static ValueType merge(ValueType inferred, ValueType declared) {
    if (inferred == null) {
      return declared;
    }
    int et = inferred.elemType() != 0 ? inferred.elemType() : declared.elemType();
    List<Dim> dims = inferred.dims();
    if (dims == null) {
      dims = declared.dims();
    } else if (declared.dims() != null && declared.rank() == dims.size()) {
      List<Dim> m = new ArrayList<>(dims);
      for (int i = 0; i < m.size(); i++) {
        if (!m.get(i).isKnown()) {
          m.set(i, declared.dim(i));
        }
      }
      dims = m;
    }
    return ValueType.of(et, dims);
  }

  ValueType type(String name) {
    ValueType t = name.isEmpty() ? null : types.get(name);
    if (t == null) {
      return ValueType.UNKNOWN;
    }
    if (forgetDims && t.dims() != null && !constants.containsKey(name)) {
      List<Dim> u = new ArrayList<>();
      for (int i = 0; i < t.dims().size(); i++) {
        u.add(Dim.UNKNOWN);
      }
      return t.withDims(u);
    }
    return t;
  }

  IntVal intValue(String name) {
    return ints.get(name);
  }

  /** The static values of an integer tensor (a constant, or a shape computed from static dims). */
  long[] staticInts(String name) {
    if (name.isEmpty()) {
      return null;
    }
    OnnxMl.TensorProto c = constants.get(name);
    if (c != null) {
      return Tensors.longs(c);
    }
    IntVal v = ints.get(name);
    return v == null || forgetDims ? null : v.staticValues();
  }

  /** The values of a float constant (initializer or {@code Constant} node), or null. */
  double[] constDoubles(String name) {
    OnnxMl.TensorProto c = name.isEmpty() ? null : constants.get(name);
    return c == null ? null : Tensors.doubles(c);
  }

  boolean isConstant(String name) {
    return constants.containsKey(name);
  }

  // ------------------------------------------------------------------------------------------

  static ValueType fromValueInfo(OnnxMl.ValueInfoProto vi) {
    return fromValueInfo(vi, Map.of());
  }

  static ValueType fromValueInfo(OnnxMl.ValueInfoProto vi, Map<String, Dim> bindings) {
    if (!vi.getType().hasTensorType()) {
      return ValueType.UNKNOWN;
    }
    OnnxMl.TypeProto.Tensor tt = vi.getType().getTensorType();
    if (!tt.hasShape()) {
      return ValueType.of(tt.getElemType(), null);
    }
    List<Dim> dims = new ArrayList<>();
    for (OnnxMl.TensorShapeProto.Dimension d : tt.getShape().getDimList()) {
      if (d.hasDimValue()) {
        dims.add(d.getDimValue() >= 0 ? Dim.of(d.getDimValue()) : Dim.UNKNOWN);
      } else if (d.hasDimParam()) {
        dims.add(Dim.parse(d.getDimParam(), bindings));
      } else {
        dims.add(Dim.UNKNOWN);
      }
    }
    return ValueType.of(tt.getElemType(), dims);
  }

  private void trackConstant(String name, OnnxMl.TensorProto t) {
    if (t.getDimsCount() > 1 || Tensors.count(t) > MAX_TRACKED) {
      return;
    }
    long[] v = Tensors.longs(t);
    if (v == null) {
      return;
    }
    List<Dim> e = new ArrayList<>();
    for (long x : v) {
      e.add(Dim.of(x));
    }
    ints.put(name, new IntVal(e, t.getDimsCount() == 0));
  }

  private ValueType t(OnnxMl.NodeProto n, int i) {
    String s = Graph.in(n, i);
    ValueType t = s.isEmpty() ? null : types.get(s);
    return t == null ? ValueType.UNKNOWN : t;
  }

  private void set(OnnxMl.NodeProto n, int i, int elem, List<Dim> dims) {
    String o = Graph.out(n, i);
    if (!o.isEmpty()) {
      types.put(o, ValueType.of(elem, dims));
    }
  }

  private void setInt(OnnxMl.NodeProto n, List<Dim> elems, boolean scalar) {
    if (elems != null && elems.size() <= MAX_TRACKED) {
      ints.put(n.getOutput(0), new IntVal(elems, scalar));
    }
  }

  static List<Dim> broadcast(List<List<Dim>> shapes) {
    int rank = 0;
    for (List<Dim> s : shapes) {
      if (s == null) {
        return null;
      }
      rank = Math.max(rank, s.size());
    }
    List<Dim> out = new ArrayList<>();
    for (int i = 0; i < rank; i++) {
      Dim d = Dim.ONE;
      for (List<Dim> s : shapes) {
        int j = i - (rank - s.size());
        if (j >= 0) {
          d = Dim.broadcast(d, s.get(j));
        }
      }
      out.add(d);
    }
    return out;
  }

  private static List<Dim> unknownDims(int rank) {
    List<Dim> d = new ArrayList<>();
    for (int i = 0; i < rank; i++) {
      d.add(Dim.UNKNOWN);
    }
    return d;
  }

  /** Tracked integer values used as dimensions: a negative value means unknown. */
  private static List<Dim> asDims(List<Dim> elems) {
    return map(elems, d -> d.isStatic() && d.size() < 0 ? Dim.UNKNOWN : d);
  }

  private static int norm(long axis, int rank) {
    return (int) (axis < 0 ? axis + rank : axis);
  }

  /** The axes of a Reduce*, Squeeze or Unsqueeze node: attribute or second input. */
  long[] axesOf(OnnxMl.NodeProto n) {
    long[] a = Graph.attrInts(n, "axes");
    if (a != null) {
      return a;
    }
    String in = Graph.in(n, 1);
    if (in.isEmpty()) {
      return new long[0];
    }
    return staticInts(in);
  }

  private void infer(OnnxMl.NodeProto n) {
    String op = n.getOpType();
    ValueType x = t(n, 0);
    switch (op) {
      case "Constant" -> {
        OnnxMl.TensorProto c = Graph.constantValue(n);
        if (c != null) {
          c = c.toBuilder().setName(n.getOutput(0)).build();
          constants.put(n.getOutput(0), c);
          List<Dim> dims = new ArrayList<>();
          for (long d : c.getDimsList()) {
            dims.add(Dim.of(d));
          }
          set(n, 0, c.getDataType(), dims);
          trackConstant(n.getOutput(0), c);
        }
      }
      case "Identity",
          "Neg",
          "Abs",
          "Sqrt",
          "Exp",
          "Log",
          "Sin",
          "Cos",
          "Tan",
          "Tanh",
          "Sigmoid",
          "Relu",
          "LeakyRelu",
          "Elu",
          "Selu",
          "Celu",
          "Erf",
          "Reciprocal",
          "Softplus",
          "Softsign",
          "Sign",
          "Floor",
          "Ceil",
          "Round",
          "Not",
          "Softmax",
          "LogSoftmax",
          "Hardmax",
          "CumSum",
          "Trilu",
          "Clip",
          "Gelu",
          "HardSigmoid",
          "HardSwish",
          "Mish",
          "Atan",
          "Asin",
          "Acos",
          "Sinh",
          "Cosh",
          "BitwiseNot" -> {
        set(n, 0, x.elemType(), x.dims());
        if (op.equals("Identity") || op.equals("Neg")) {
          IntVal v = ints.get(Graph.in(n, 0));
          if (v != null) {
            if (op.equals("Identity")) {
              setInt(n, v.elems(), v.scalar());
            } else {
              setInt(
                  n,
                  map(v.elems(), d -> d.isStatic() ? Dim.of(-d.size()) : Dim.UNKNOWN),
                  v.scalar());
            }
          }
        }
      }
      case "IsNaN", "IsInf" -> set(n, 0, DataType.BOOL_VALUE, x.dims());
      case "Dropout" -> {
        set(n, 0, x.elemType(), x.dims());
        set(n, 1, DataType.BOOL_VALUE, x.dims());
      }
      case "Add",
          "Sub",
          "Mul",
          "Div",
          "Pow",
          "Mod",
          "Max",
          "Min",
          "Sum",
          "Mean",
          "PRelu",
          "BitShift",
          "BitwiseAnd",
          "BitwiseOr",
          "BitwiseXor" -> {
        List<List<Dim>> shapes = new ArrayList<>();
        for (int i = 0; i < n.getInputCount(); i++) {
          shapes.add(t(n, i).dims());
        }
        set(n, 0, x.elemType(), broadcast(shapes));
        intArithmetic(n);
      }
      case "And", "Or", "Xor", "Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual" -> {
        set(n, 0, DataType.BOOL_VALUE, broadcast(List.of(x.dims(), t(n, 1).dims())));
        intCompare(n);
      }
      case "Where" -> {
        set(n, 0, t(n, 1).elemType(), broadcast(List.of(x.dims(), t(n, 1).dims(), t(n, 2).dims())));
        IntVal c = ints.get(Graph.in(n, 0));
        IntVal a = ints.get(Graph.in(n, 1));
        IntVal b = ints.get(Graph.in(n, 2));
        if (c != null && a != null && b != null) {
          long[] cv = c.staticValues();
          int len = Math.max(c.elems().size(), Math.max(a.elems().size(), b.elems().size()));
          if (cv != null) {
            List<Dim> r = new ArrayList<>();
            for (int i = 0; i < len; i++) {
              long ci = cv[cv.length == 1 ? 0 : i];
              List<Dim> src = ci != 0 ? a.elems() : b.elems();
              r.add(src.get(src.size() == 1 ? 0 : i));
            }
            setInt(n, r, c.scalar() && a.scalar() && b.scalar());
          }
        }
      }
      case "MatMul", "MatMulInteger" -> {
        List<Dim> a = x.dims();
        List<Dim> b = t(n, 1).dims();
        int et = op.equals("MatMul") ? x.elemType() : DataType.INT32_VALUE;
        if (a == null || b == null) {
          set(n, 0, et, null);
        } else {
          set(n, 0, et, matMulDims(a, b));
        }
      }
      case "Gemm" -> {
        List<Dim> a = x.dims();
        List<Dim> b = t(n, 1).dims();
        if (a != null && b != null && a.size() == 2 && b.size() == 2) {
          Dim m = Graph.attrInt(n, "transA", 0) != 0 ? a.get(1) : a.get(0);
          Dim nn = Graph.attrInt(n, "transB", 0) != 0 ? b.get(0) : b.get(1);
          set(n, 0, x.elemType(), List.of(m, nn));
        } else {
          set(n, 0, x.elemType(), unknownDims(2));
        }
      }
      case "Gather" -> {
        ValueType idx = t(n, 1);
        if (x.dims() != null && idx.dims() != null) {
          int axis = norm(Graph.attrInt(n, "axis", 0), x.rank());
          List<Dim> d = new ArrayList<>(x.dims().subList(0, axis));
          d.addAll(idx.dims());
          d.addAll(x.dims().subList(axis + 1, x.rank()));
          set(n, 0, x.elemType(), d);
        } else {
          set(n, 0, x.elemType(), null);
        }
        IntVal v = ints.get(Graph.in(n, 0));
        long[] iv = staticInts(Graph.in(n, 1));
        if (v != null && iv != null && Graph.attrInt(n, "axis", 0) == 0) {
          List<Dim> r = new ArrayList<>();
          for (long i : iv) {
            int j = (int) (i < 0 ? i + v.elems().size() : i);
            if (j < 0 || j >= v.elems().size()) {
              return;
            }
            r.add(v.elems().get(j));
          }
          setInt(n, r, idx.dims() != null && idx.dims().isEmpty());
        }
      }
      case "GatherElements" -> set(n, 0, x.elemType(), t(n, 1).dims());
      case "ScatterND", "ScatterElements" -> set(n, 0, x.elemType(), x.dims());
      case "Reshape" -> inferReshape(n, x);
      case "Flatten" -> {
        if (x.dims() != null) {
          int axis = norm(Graph.attrInt(n, "axis", 1), x.rank());
          set(
              n,
              0,
              x.elemType(),
              List.of(
                  Dim.product(x.dims().subList(0, axis)),
                  Dim.product(x.dims().subList(axis, x.rank()))));
        } else {
          set(n, 0, x.elemType(), unknownDims(2));
        }
      }
      case "Squeeze" -> {
        long[] axes = axesOf(n);
        if (x.dims() != null && axes != null) {
          List<Dim> d = new ArrayList<>();
          boolean[] drop = new boolean[x.rank()];
          if (axes.length == 0) {
            for (int i = 0; i < x.rank(); i++) {
              if (x.dim(i).is(1)) {
                drop[i] = true;
              } else if (!x.dim(i).isStatic()) {
                set(n, 0, x.elemType(), null);
                return;
              }
            }
          }
          for (long a : axes) {
            drop[norm(a, x.rank())] = true;
          }
          for (int i = 0; i < x.rank(); i++) {
            if (!drop[i]) {
              d.add(x.dim(i));
            }
          }
          set(n, 0, x.elemType(), d);
          IntVal v = ints.get(Graph.in(n, 0));
          if (v != null && v.elems().size() == 1 && d.isEmpty()) {
            setInt(n, v.elems(), true);
          }
        } else {
          set(n, 0, x.elemType(), null);
        }
      }
      case "Unsqueeze" -> {
        long[] axes = axesOf(n);
        if (x.dims() != null && axes != null) {
          int rank = x.rank() + axes.length;
          boolean[] ins = new boolean[rank];
          for (long a : axes) {
            ins[norm(a, rank)] = true;
          }
          List<Dim> d = new ArrayList<>();
          int j = 0;
          for (int i = 0; i < rank; i++) {
            d.add(ins[i] ? Dim.ONE : x.dim(j++));
          }
          set(n, 0, x.elemType(), d);
          IntVal v = ints.get(Graph.in(n, 0));
          if (v != null && rank <= 1) {
            setInt(n, v.elems(), false);
          }
        } else {
          set(n, 0, x.elemType(), null);
        }
      }
      case "Transpose" -> {
        if (x.dims() != null) {
          long[] perm = Graph.attrInts(n, "perm");
          List<Dim> d = new ArrayList<>();
          for (int i = 0; i < x.rank(); i++) {
            d.add(x.dim(perm == null ? x.rank() - 1 - i : (int) perm[i]));
          }
          set(n, 0, x.elemType(), d);
        } else {
          set(n, 0, x.elemType(), null);
        }
      }
      case "Slice" -> inferSlice(n, x);
      case "Concat" -> {
        List<ValueType> ins = new ArrayList<>();
        for (int i = 0; i < n.getInputCount(); i++) {
          ins.add(t(n, i));
        }
        List<Dim> base = null;
        for (ValueType v : ins) {
          if (v.dims() != null) {
            base = v.dims();
            break;
          }
        }
        if (base == null) {
          set(n, 0, x.elemType(), null);
        } else {
          int axis = norm(Graph.attrInt(n, "axis", 0), base.size());
          List<Dim> d = new ArrayList<>();
          for (int i = 0; i < base.size(); i++) {
            if (i == axis) {
              d.add(concatLength(ins, i));
            } else {
              Dim k = Dim.UNKNOWN;
              for (ValueType v : ins) {
                if (v.dims() != null && v.dim(i).isKnown()) {
                  k = v.dim(i);
                  break;
                }
              }
              d.add(k);
            }
          }
          set(n, 0, x.elemType(), d);
        }
        if (Graph.attrInt(n, "axis", 0) == 0) {
          List<Dim> r = new ArrayList<>();
          for (int i = 0; i < n.getInputCount(); i++) {
            IntVal v = ints.get(Graph.in(n, i));
            if (v == null) {
              return;
            }
            r.addAll(v.elems());
          }
          setInt(n, r, false);
        }
      }
      case "Split" -> {
        if (x.dims() == null) {
          for (int i = 0; i < n.getOutputCount(); i++) {
            set(n, i, x.elemType(), null);
          }
          return;
        }
        int axis = norm(Graph.attrInt(n, "axis", 0), x.rank());
        long[] sizes = Graph.attrInts(n, "split");
        if (sizes == null && !Graph.in(n, 1).isEmpty()) {
          sizes = staticInts(Graph.in(n, 1));
        }
        int outs = n.getOutputCount();
        for (int i = 0; i < outs; i++) {
          List<Dim> d = new ArrayList<>(x.dims());
          if (sizes != null) {
            d.set(axis, Dim.of(sizes[i]));
          } else if (x.dim(axis).isStatic() && x.dim(axis).size() % outs == 0) {
            d.set(axis, Dim.of(x.dim(axis).size() / outs));
          } else {
            d.set(axis, Dim.UNKNOWN);
          }
          set(n, i, x.elemType(), d);
        }
      }
      case "Expand" -> {
        IntVal sv = ints.get(Graph.in(n, 1));
        ValueType st = t(n, 1);
        if (sv != null && x.dims() != null) {
          set(n, 0, x.elemType(), broadcast(List.of(x.dims(), asDims(sv.elems()))));
        } else if (x.dims() != null && st.dims() != null && st.dim(0).isStatic()) {
          int rank = Math.max(x.rank(), (int) st.dim(0).size());
          set(n, 0, x.elemType(), unknownDims(rank));
        } else {
          set(n, 0, x.elemType(), null);
        }
      }
      case "Tile", "Pad" ->
          set(n, 0, x.elemType(), x.dims() == null ? null : unknownDims(x.rank()));
      case "ReduceSum",
          "ReduceMean",
          "ReduceMax",
          "ReduceMin",
          "ReduceProd",
          "ReduceL1",
          "ReduceL2",
          "ReduceSumSquare",
          "ReduceLogSum",
          "ReduceLogSumExp" -> {
        long[] axes = axesOf(n);
        boolean keep = Graph.attrInt(n, "keepdims", 1) != 0;
        if (x.dims() == null || axes == null) {
          set(n, 0, x.elemType(), null);
          return;
        }
        boolean[] red = new boolean[x.rank()];
        if (axes.length == 0) {
          boolean noop = Graph.attrInt(n, "noop_with_empty_axes", 0) != 0;
          Arrays.fill(red, !noop);
        }
        for (long a : axes) {
          red[norm(a, x.rank())] = true;
        }
        List<Dim> d = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
          if (!red[i]) {
            d.add(x.dim(i));
          } else if (keep) {
            d.add(Dim.ONE);
          }
        }
        set(n, 0, x.elemType(), d);
      }
      case "ArgMax", "ArgMin" -> {
        if (x.dims() == null) {
          set(n, 0, DataType.INT64_VALUE, null);
          return;
        }
        int axis = norm(Graph.attrInt(n, "axis", 0), x.rank());
        boolean keep = Graph.attrInt(n, "keepdims", 1) != 0;
        List<Dim> d = new ArrayList<>(x.dims());
        if (keep) {
          d.set(axis, Dim.ONE);
        } else {
          d.remove(axis);
        }
        set(n, 0, DataType.INT64_VALUE, d);
      }
      case "Cast" -> {
        int to = (int) Graph.attrInt(n, "to", 0);
        set(n, 0, to, x.dims());
        IntVal v = ints.get(Graph.in(n, 0));
        if (v != null && isInt(to)) {
          setInt(n, v.elems(), v.scalar());
        }
      }
      case "CastLike" -> {
        set(n, 0, t(n, 1).elemType(), x.dims());
        IntVal v = ints.get(Graph.in(n, 0));
        if (v != null && isInt(t(n, 1).elemType())) {
          setInt(n, v.elems(), v.scalar());
        }
      }
      case "Shape" -> {
        if (x.dims() == null) {
          set(n, 0, DataType.INT64_VALUE, unknownDims(1));
          return;
        }
        int r = x.rank();
        int start = clamp(norm(Graph.attrInt(n, "start", 0), r), 0, r);
        OnnxMl.AttributeProto endAttr = Graph.attr(n, "end");
        int end = endAttr == null ? r : clamp(norm(endAttr.getI(), r), 0, r);
        List<Dim> e = new ArrayList<>(x.dims().subList(start, Math.max(start, end)));
        set(n, 0, DataType.INT64_VALUE, List.of(Dim.of(e.size())));
        setInt(n, e, false);
      }
      case "Size" -> {
        set(n, 0, DataType.INT64_VALUE, List.of());
        if (x.dims() != null) {
          setInt(n, List.of(Dim.product(x.dims())), true);
        }
      }
      case "Range" -> {
        long[] s = staticInts(Graph.in(n, 0));
        long[] l = staticInts(Graph.in(n, 1));
        long[] dl = staticInts(Graph.in(n, 2));
        if (s != null && l != null && dl != null && dl[0] != 0) {
          long count = Math.max(0, (long) Math.ceil((double) (l[0] - s[0]) / dl[0]));
          set(n, 0, x.elemType(), List.of(Dim.of(count)));
          if (count <= MAX_TRACKED) {
            List<Dim> e = new ArrayList<>();
            for (long i = 0; i < count; i++) {
              e.add(Dim.of(s[0] + i * dl[0]));
            }
            setInt(n, e, false);
          }
        } else {
          IntVal st = ints.get(Graph.in(n, 0));
          IntVal li = ints.get(Graph.in(n, 1));
          Dim len =
              st != null && li != null && dl != null && dl[0] == 1
                  ? li.elems().get(0).minus(st.elems().get(0))
                  : Dim.UNKNOWN;
          set(n, 0, x.elemType(), List.of(len));
        }
      }
      case "ConstantOfShape" -> {
        OnnxMl.AttributeProto v = Graph.attr(n, "value");
        int et = v == null ? DataType.FLOAT_VALUE : v.getT().getDataType();
        IntVal sv = ints.get(Graph.in(n, 0));
        ValueType st = t(n, 0);
        if (sv != null) {
          set(n, 0, et, asDims(sv.elems()));
          long[] dims = sv.staticValues();
          if (dims != null && dims.length <= 1 && isInt(et)) {
            long c = Tensors.longs(v.getT())[0];
            long count = dims.length == 0 ? 1 : dims[0];
            if (count <= MAX_TRACKED) {
              List<Dim> e = new ArrayList<>();
              for (long i = 0; i < count; i++) {
                e.add(Dim.of(c));
              }
              setInt(n, e, dims.length == 0);
            }
          }
        } else if (st.dims() != null && st.rank() == 1 && st.dim(0).isStatic()) {
          set(n, 0, et, unknownDims((int) st.dim(0).size()));
        } else {
          set(n, 0, et, null);
        }
      }
      case "NonZero" ->
          set(
              n,
              0,
              DataType.INT64_VALUE,
              List.of(x.dims() == null ? Dim.UNKNOWN : Dim.of(x.rank()), Dim.UNKNOWN));
      case "LayerNormalization", "SimplifiedLayerNormalization" -> {
        set(n, 0, x.elemType(), x.dims());
        int stash = (int) Graph.attrInt(n, "stash_type", 1);
        List<Dim> stat = null;
        if (x.dims() != null) {
          int axis = norm(Graph.attrInt(n, "axis", -1), x.rank());
          stat = new ArrayList<>(x.dims());
          for (int i = axis; i < x.rank(); i++) {
            stat.set(i, Dim.ONE);
          }
        }
        int statType = stash == 1 ? DataType.FLOAT_VALUE : stash;
        set(n, 1, statType, stat);
        set(n, 2, statType, stat);
      }
      default -> {
        for (int i = 0; i < n.getOutputCount(); i++) {
          set(n, i, 0, null);
        }
      }
    }
  }

  /** The length of a concatenation: the sum of the lengths. */
  private static Dim concatLength(List<ValueType> ins, int axis) {
    Dim sum = Dim.of(0);
    for (ValueType v : ins) {
      sum = v.dims() == null ? Dim.UNKNOWN : sum.plus(v.dim(axis));
    }
    return sum;
  }

  static List<Dim> matMulDims(List<Dim> a, List<Dim> b) {
    boolean aVec = a.size() == 1;
    boolean bVec = b.size() == 1;
    List<Dim> a2 = aVec ? List.of(Dim.ONE, a.get(0)) : a;
    List<Dim> b2 = bVec ? List.of(b.get(0), Dim.ONE) : b;
    List<Dim> batch =
        broadcast(List.of(a2.subList(0, a2.size() - 2), b2.subList(0, b2.size() - 2)));
    List<Dim> d = new ArrayList<>(batch);
    if (!aVec) {
      d.add(a2.get(a2.size() - 2));
    }
    if (!bVec) {
      d.add(b2.get(b2.size() - 1));
    }
    return d;
  }

  private void inferReshape(OnnxMl.NodeProto n, ValueType x) {
    IntVal sv = ints.get(Graph.in(n, 1));
    ValueType st = t(n, 1);
    if (sv == null) {
      if (st.dims() != null && st.rank() == 1 && st.dim(0).isStatic()) {
        set(n, 0, x.elemType(), unknownDims((int) st.dim(0).size()));
      } else {
        set(n, 0, x.elemType(), null);
      }
      return;
    }
    boolean allowZero = Graph.attrInt(n, "allowzero", 0) != 0;
    List<Dim> d = new ArrayList<>();
    int infer = -1;
    for (int i = 0; i < sv.elems().size(); i++) {
      Dim e = sv.elems().get(i);
      if (e.is(0) && !allowZero) {
        d.add(x.dims() != null && i < x.rank() ? x.dim(i) : Dim.UNKNOWN);
      } else if (e.is(-1)) {
        infer = i;
        d.add(Dim.UNKNOWN);
      } else if (e.isStatic() && e.size() < 0) {
        d.add(Dim.UNKNOWN);
      } else {
        d.add(e);
      }
    }
    if (infer >= 0 && x.dims() != null) {
      List<Dim> others = new ArrayList<>(d);
      others.remove(infer);
      Dim total = Dim.product(x.dims());
      Dim known = Dim.product(others);
      if (total.isKnown() && known.isKnown() && !known.is(0)) {
        d.set(infer, total.dividedBy(known));
      }
    }
    set(n, 0, x.elemType(), d);
    IntVal v = ints.get(Graph.in(n, 0));
    if (v != null && d.size() <= 1) {
      setInt(n, v.elems(), d.isEmpty());
    }
  }

  private void inferSlice(OnnxMl.NodeProto n, ValueType x) {
    if (x.dims() == null) {
      set(n, 0, x.elemType(), null);
      return;
    }
    long[] starts = staticInts(Graph.in(n, 1));
    long[] ends = staticInts(Graph.in(n, 2));
    long[] axes = Graph.in(n, 3).isEmpty() ? null : staticInts(Graph.in(n, 3));
    long[] steps = Graph.in(n, 4).isEmpty() ? null : staticInts(Graph.in(n, 4));
    List<Dim> d = new ArrayList<>(x.dims());
    if (axes == null && !Graph.in(n, 3).isEmpty()) {
      set(n, 0, x.elemType(), unknownDims(x.rank()));
      return;
    }
    if (starts == null || ends == null || (steps == null && !Graph.in(n, 4).isEmpty())) {
      // Unknown bounds: the sliced axes are unknown (all of them when the axes are unknown).
      if (axes == null) {
        int k = ValueTypeLen(t(n, 1));
        for (int i = 0; i < (k < 0 ? x.rank() : k); i++) {
          d.set(i, Dim.UNKNOWN);
        }
      } else {
        for (long a : axes) {
          d.set(norm(a, x.rank()), Dim.UNKNOWN);
        }
      }
      set(n, 0, x.elemType(), d);
      return;
    }
    for (int i = 0; i < starts.length; i++) {
      int a = axes == null ? i : norm(axes[i], x.rank());
      long step = steps == null ? 1 : steps[i];
      Dim dim = x.dim(a);
      if (!dim.isStatic()) {
        d.set(a, Dim.UNKNOWN);
        continue;
      }
      long[] se = sliceBounds(starts[i], ends[i], step, dim.size());
      long len =
          step > 0
              ? Math.max(0, (se[1] - se[0] + step - 1) / step)
              : Math.max(0, (se[0] - se[1] - step - 1) / -step);
      d.set(a, Dim.of(len));
    }
    set(n, 0, x.elemType(), d);
    IntVal v = ints.get(Graph.in(n, 0));
    if (v != null && starts.length == 1 && (steps == null || steps[0] == 1)) {
      long[] se = sliceBounds(starts[0], ends[0], 1, v.elems().size());
      setInt(n, v.elems().subList((int) se[0], (int) Math.max(se[0], se[1])), false);
    }
  }

  private static int ValueTypeLen(ValueType t) {
    return t.dims() != null && t.rank() == 1 && t.dim(0).isStatic() ? (int) t.dim(0).size() : -1;
  }

  /** ONNX Slice's clamping of start and end for one axis: {start, end}. */
  static long[] sliceBounds(long start, long end, long step, long dim) {
    if (start < 0) {
      start += dim;
    }
    if (end < 0) {
      end += dim;
    }
    if (step > 0) {
      start = Math.max(0, Math.min(start, dim));
      end = Math.max(0, Math.min(end, dim));
    } else {
      start = Math.max(-1, Math.min(start, dim - 1));
      end = Math.max(-1, Math.min(end, dim - 1));
    }
    return new long[] {start, end};
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  static boolean isInt(int t) {
    return t == DataType.INT64_VALUE
        || t == DataType.INT32_VALUE
        || t == DataType.INT16_VALUE
        || t == DataType.INT8_VALUE
        || t == DataType.UINT8_VALUE
        || t == DataType.UINT16_VALUE
        || t == DataType.UINT32_VALUE
        || t == DataType.UINT64_VALUE;
  }

  private static List<Dim> map(List<Dim> l, java.util.function.UnaryOperator<Dim> f) {
    List<Dim> r = new ArrayList<>();
    for (Dim d : l) {
      r.add(f.apply(d));
    }
    return r;
  }

  private void intArithmetic(OnnxMl.NodeProto n) {
    if (n.getInputCount() != 2) {
      return;
    }
    IntVal a = ints.get(Graph.in(n, 0));
    IntVal b = ints.get(Graph.in(n, 1));
    if (a == null || b == null) {
      return;
    }
    int len = Math.max(a.elems().size(), b.elems().size());
    if ((a.elems().size() != len && a.elems().size() != 1)
        || (b.elems().size() != len && b.elems().size() != 1)) {
      return;
    }
    List<Dim> r = new ArrayList<>();
    for (int i = 0; i < len; i++) {
      Dim x = a.elems().get(a.elems().size() == 1 ? 0 : i);
      Dim y = b.elems().get(b.elems().size() == 1 ? 0 : i);
      if (!x.isStatic() || !y.isStatic()) {
        // polynomial arithmetic keeps symbolic sizes; floor division only when exact
        r.add(
            switch (n.getOpType()) {
              case "Add" -> x.plus(y);
              case "Sub" -> x.minus(y);
              case "Mul" -> x.times(y);
              case "Div" -> x.dividedBy(y);
              default -> Dim.UNKNOWN;
            });
        continue;
      }
      long u = x.size();
      long v = y.size();
      Long res =
          switch (n.getOpType()) {
            case "Add" -> u + v;
            case "Sub" -> u - v;
            case "Mul" -> u * v;
            case "Div" -> v == 0 ? null : Math.floorDiv(u, v);
            case "Max" -> Math.max(u, v);
            case "Min" -> Math.min(u, v);
            case "Mod" -> v == 0 ? null : Math.floorMod(u, v);
            default -> null;
          };
      r.add(res == null ? Dim.UNKNOWN : Dim.of(res));
    }
    setInt(n, r, a.scalar() && b.scalar());
  }

  private void intCompare(OnnxMl.NodeProto n) {
    IntVal a = ints.get(Graph.in(n, 0));
    IntVal b = ints.get(Graph.in(n, 1));
    if (a == null || b == null) {
      return;
    }
    long[] av = a.staticValues();
    long[] bv = b.staticValues();
    if (av == null || bv == null) {
      return;
    }
    int len = Math.max(av.length, bv.length);
    List<Dim> r = new ArrayList<>();
    for (int i = 0; i < len; i++) {
      long x = av[av.length == 1 ? 0 : i];
      long y = bv[bv.length == 1 ? 0 : i];
      boolean res =
          switch (n.getOpType()) {
            case "Equal" -> x == y;
            case "Less" -> x < y;
            case "LessOrEqual" -> x <= y;
            case "Greater" -> x > y;
            case "GreaterOrEqual" -> x >= y;
            default -> false;
          };
      if (!Arrays.asList("Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual")
          .contains(n.getOpType())) {
        return;
      }
      r.add(Dim.of(res ? 1 : 0));
    }
    setInt(n, r, a.scalar() && b.scalar());
  }
}
