package io.rstar4j.train.autodiff;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Appends the new nodes and constants of a training graph: fresh value names that cannot collide
 * with the forward graph's, shared constants, and helpers for the operators the gradient rules and
 * the optimiser use (written for the graph's opset: reduction axes are attributes before 18).
 */
final class Emitter {
  final int opset;
  final List<OnnxMl.NodeProto> nodes = new ArrayList<>();
  final List<OnnxMl.TensorProto> initializers = new ArrayList<>();
  private final Set<String> taken;
  private final String prefix;
  private final Map<String, String> constCache = new HashMap<>();
  private final Map<String, String> shapeCache = new HashMap<>();
  private int counter;

  Emitter(int opset, Set<String> taken, String prefix) {
    this.opset = opset;
    this.taken = taken;
    this.prefix = prefix;
  }

  String fresh(String hint) {
    String n;
    do {
      n = prefix + hint + "_" + counter++;
    } while (taken.contains(n));
    taken.add(n);
    return n;
  }

  /** Claims an exact name. */
  String claim(String name) {
    if (!taken.add(name)) {
      throw new IllegalArgumentException(
          "the training graph needs the value name '" + name + "', which the model already uses");
    }
    return name;
  }

  final class Node {
    private final OnnxMl.NodeProto.Builder b = OnnxMl.NodeProto.newBuilder();
    private final List<String> outs = new ArrayList<>();

    Node(String op) {
      b.setOpType(op);
    }

    Node domain(String d) {
      b.setDomain(d);
      return this;
    }

    Node in(String... names) {
      for (String s : names) {
        b.addInput(s);
      }
      return this;
    }

    Node out(String... names) {
      for (String s : names) {
        outs.add(s);
      }
      return this;
    }

    Node attr(String name, long v) {
      b.addAttribute(
          OnnxMl.AttributeProto.newBuilder()
              .setName(name)
              .setType(OnnxMl.AttributeProto.AttributeType.INT)
              .setI(v));
      return this;
    }

    Node attr(String name, float v) {
      b.addAttribute(
          OnnxMl.AttributeProto.newBuilder()
              .setName(name)
              .setType(OnnxMl.AttributeProto.AttributeType.FLOAT)
              .setF(v));
      return this;
    }

    Node attr(String name, String v) {
      b.addAttribute(
          OnnxMl.AttributeProto.newBuilder()
              .setName(name)
              .setType(OnnxMl.AttributeProto.AttributeType.STRING)
              .setS(ByteString.copyFrom(v, StandardCharsets.UTF_8)));
      return this;
    }

    Node attr(String name, long[] v) {
      OnnxMl.AttributeProto.Builder a =
          OnnxMl.AttributeProto.newBuilder()
              .setName(name)
              .setType(OnnxMl.AttributeProto.AttributeType.INTS);
      for (long x : v) {
        a.addInts(x);
      }
      b.addAttribute(a);
      return this;
    }

    Node attr(String name, OnnxMl.TensorProto t) {
      b.addAttribute(
          OnnxMl.AttributeProto.newBuilder()
              .setName(name)
              .setType(OnnxMl.AttributeProto.AttributeType.TENSOR)
              .setT(t));
      return this;
    }

    String add() {
      return addAll(1).get(0);
    }

    List<String> addAll(int count) {
      while (outs.size() < count) {
        outs.add(fresh(b.getOpType().toLowerCase(java.util.Locale.ROOT)));
      }
      b.addAllOutput(outs);
      b.setName(fresh("n_" + b.getOpType()));
      nodes.add(b.build());
      return List.copyOf(outs);
    }
  }

  Node node(String op) {
    return new Node(op);
  }

  String op(String op, String... inputs) {
    return node(op).in(inputs).add();
  }

  // ------------------------------------------------------------------ constants

  String ints(long... v) {
    String key = "i" + java.util.Arrays.toString(v);
    return constCache.computeIfAbsent(
        key,
        k -> {
          String n = fresh("c_ints");
          initializers.add(Tensors.int64(n, v, v.length));
          return n;
        });
  }

  String scalarInt(long v) {
    return constCache.computeIfAbsent(
        "s" + v,
        k -> {
          String n = fresh("c_int");
          initializers.add(Tensors.int64(n, new long[] {v}));
          return n;
        });
  }

  /** A scalar of a float element type. */
  String scalar(int elemType, double v) {
    return constCache.computeIfAbsent(
        "f" + elemType + ":" + Double.doubleToLongBits(v),
        k -> {
          String n = fresh("c_f");
          initializers.add(Tensors.floating(n, elemType, new double[] {v}));
          return n;
        });
  }

  /** A tensor attribute holding one value of the type (for ConstantOfShape). */
  static OnnxMl.TensorProto fillValue(int elemType, double v) {
    if (elemType == DataType.INT64_VALUE) {
      return Tensors.int64("", new long[] {(long) v}, 1);
    }
    return Tensors.floating(null, elemType, new double[] {v}, 1);
  }

  // ------------------------------------------------------------------ helpers

  String add(String a, String b) {
    return op("Add", a, b);
  }

  String sub(String a, String b) {
    return op("Sub", a, b);
  }

  String mul(String a, String b) {
    return op("Mul", a, b);
  }

  String div(String a, String b) {
    return op("Div", a, b);
  }

  String neg(String a) {
    return op("Neg", a);
  }

  String matMul(String a, String b) {
    return op("MatMul", a, b);
  }

  String transpose(String x, long[] perm) {
    return node("Transpose").in(x).attr("perm", perm).add();
  }

  String reshape(String x, String shape) {
    return op("Reshape", x, shape);
  }

  String unsqueeze(String x, long... axes) {
    return op("Unsqueeze", x, ints(axes));
  }

  String squeeze(String x, long... axes) {
    return op("Squeeze", x, ints(axes));
  }

  String cast(String x, int to) {
    return node("Cast").in(x).attr("to", (long) to).add();
  }

  String where(String c, String a, String b) {
    return op("Where", c, a, b);
  }

  /** Shape of a value (one Shape node per value). */
  String shapeOf(String x) {
    return shapeCache.computeIfAbsent(x, k -> op("Shape", k));
  }

  String reduceSum(String x, long[] axes, boolean keep) {
    return node("ReduceSum").in(x, ints(axes)).attr("keepdims", keep ? 1L : 0L).add();
  }

  /** A reduction whose axes are an attribute before opset 18 and an input from 18 on. */
  String reduce(String op, String x, long[] axes, boolean keep) {
    if (op.equals("ReduceSum") && axes != null) {
      return reduceSum(x, axes, keep);
    }
    Node n = node(op).in(x).attr("keepdims", keep ? 1L : 0L);
    if (axes != null) {
      if (opset >= 18) {
        n.in(ints(axes));
      } else {
        n.attr("axes", axes);
      }
    }
    return n.add();
  }

  String zerosLike(String shape, int elemType) {
    return node("ConstantOfShape").in(shape).attr("value", fillValue(elemType, 0)).add();
  }
}
