package io.rstar4j.train.ppm;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.List;

/**
 * A small builder of ONNX graphs on the protobuf classes, enough for the training-step and head
 * graphs. Kept package-private so that it can be swapped for the project's general graph builder.
 */
final class OnnxGraph {
  static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT_VALUE;
  static final int DOUBLE = OnnxMl.TensorProto.DataType.DOUBLE_VALUE;
  static final int INT64 = OnnxMl.TensorProto.DataType.INT64_VALUE;
  static final int OPSET = 17;

  private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
  private final int elemType;
  private int counter;

  OnnxGraph(String name, int elemType) {
    graph.setName(name);
    this.elemType = elemType;
  }

  int elemType() {
    return elemType;
  }

  /** Declares a graph input; a dimension is a {@code Long}/{@code Integer} size or a symbolic name. */
  OnnxGraph input(String name, Object... dims) {
    graph.addInput(valueInfo(name, elemType, dims));
    return this;
  }

  /** Declares a graph input of another element type. */
  OnnxGraph typedInput(String name, int type, Object... dims) {
    graph.addInput(valueInfo(name, type, dims));
    return this;
  }

  /** A constant tensor of the graph's element type with the given shape. */
  String tensor(double[] values, long... dims) {
    String name = "const_" + (counter++);
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(elemType);
    for (long d : dims) {
      t.addDims(d);
    }
    for (double v : values) {
      if (elemType == DOUBLE) {
        t.addDoubleData(v);
      } else {
        t.addFloatData((float) v);
      }
    }
    graph.addInitializer(t);
    return name;
  }

  /** Casts a tensor to the graph's element type. */
  String cast(String input) {
    return opWithInt("Cast", "to", elemType, input);
  }

  OnnxGraph output(String name, Object... dims) {
    graph.addOutput(valueInfo(name, elemType, dims));
    return this;
  }

  /** A scalar constant of the graph's element type. */
  String constant(double value) {
    String name = "const_" + (counter++);
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(elemType);
    if (elemType == DOUBLE) {
      t.addDoubleData(value);
    } else {
      t.addFloatData((float) value);
    }
    graph.addInitializer(t);
    return name;
  }

  /** A 1-D int64 constant. */
  String longs(long... values) {
    String name = "const_" + (counter++);
    OnnxMl.TensorProto.Builder t =
        OnnxMl.TensorProto.newBuilder().setName(name).setDataType(INT64).addDims(values.length);
    for (long v : values) {
      t.addInt64Data(v);
    }
    graph.addInitializer(t);
    return name;
  }

  /** Adds a node with one fresh output; returns the output's name. */
  String op(String opType, String... inputs) {
    String out = opType.toLowerCase() + "_" + (counter++);
    node(opType, List.of(inputs), List.of(out));
    return out;
  }

  /** Adds a node writing the named output. */
  String opTo(String output, String opType, String... inputs) {
    node(opType, List.of(inputs), List.of(output));
    return output;
  }

  /** Adds a node with an integer attribute. */
  String opWithInt(String opType, String attr, long value, String... inputs) {
    String out = opType.toLowerCase() + "_" + (counter++);
    OnnxMl.NodeProto.Builder n = nodeBuilder(opType, List.of(inputs), List.of(out));
    n.addAttribute(
        OnnxMl.AttributeProto.newBuilder()
            .setName(attr)
            .setType(OnnxMl.AttributeProto.AttributeType.INT)
            .setI(value));
    graph.addNode(n);
    return out;
  }

  private void node(String opType, List<String> inputs, List<String> outputs) {
    graph.addNode(nodeBuilder(opType, inputs, outputs));
  }

  private OnnxMl.NodeProto.Builder nodeBuilder(
      String opType, List<String> inputs, List<String> outputs) {
    return OnnxMl.NodeProto.newBuilder()
        .setOpType(opType)
        .setName(opType + "_n" + (counter++))
        .addAllInput(inputs)
        .addAllOutput(outputs);
  }

  byte[] toBytes() {
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("rstar4j")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(graph)
        .build()
        .toByteArray();
  }

  static OnnxMl.ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    List<OnnxMl.TensorShapeProto.Dimension> ds = new ArrayList<>();
    for (Object d : dims) {
      OnnxMl.TensorShapeProto.Dimension.Builder b = OnnxMl.TensorShapeProto.Dimension.newBuilder();
      if (d instanceof Number n) {
        b.setDimValue(n.longValue());
      } else {
        b.setDimParam(String.valueOf(d));
      }
      ds.add(b.build());
    }
    shape.addAllDim(ds);
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
        .build();
  }
}
