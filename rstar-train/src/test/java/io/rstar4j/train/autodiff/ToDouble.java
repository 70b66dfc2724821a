package io.rstar4j.train.autodiff;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;

/**
 * The double-precision variant of a float model, for gradient checks: float initializers, inputs,
 * outputs and value infos become double, as do {@code Cast} targets, {@code ConstantOfShape} fill
 * values and {@code Constant} tensors.
 */
final class ToDouble {
  private ToDouble() {}

  static OnnxMl.ModelProto convert(OnnxMl.ModelProto m) {
    OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      g.setInitializer(i, tensor(g.getInitializer(i)));
    }
    for (int i = 0; i < g.getInputCount(); i++) {
      g.setInput(i, info(g.getInput(i)));
    }
    for (int i = 0; i < g.getOutputCount(); i++) {
      g.setOutput(i, info(g.getOutput(i)));
    }
    for (int i = 0; i < g.getValueInfoCount(); i++) {
      g.setValueInfo(i, info(g.getValueInfo(i)));
    }
    for (int i = 0; i < g.getNodeCount(); i++) {
      OnnxMl.NodeProto.Builder n = g.getNode(i).toBuilder();
      for (int j = 0; j < n.getAttributeCount(); j++) {
        OnnxMl.AttributeProto.Builder a = n.getAttribute(j).toBuilder();
        if (n.getOpType().equals("Cast")
            && a.getName().equals("to")
            && a.getI() == DataType.FLOAT_VALUE) {
          a.setI(DataType.DOUBLE_VALUE);
        }
        if (a.hasT()) {
          a.setT(tensor(a.getT()));
        }
        n.setAttribute(j, a);
      }
      g.setNode(i, n);
    }
    return m.toBuilder().setGraph(g).build();
  }

  private static OnnxMl.TensorProto tensor(OnnxMl.TensorProto t) {
    if (t.getDataType() != DataType.FLOAT_VALUE) {
      return t;
    }
    double[] v = Tensors.doubles(t);
    return Tensors.floating(t.getName(), DataType.DOUBLE_VALUE, v, Tensors.dims(t));
  }

  private static OnnxMl.ValueInfoProto info(OnnxMl.ValueInfoProto vi) {
    if (!vi.getType().hasTensorType()
        || vi.getType().getTensorType().getElemType() != DataType.FLOAT_VALUE) {
      return vi;
    }
    OnnxMl.ValueInfoProto.Builder b = vi.toBuilder();
    b.getTypeBuilder().getTensorTypeBuilder().setElemType(DataType.DOUBLE_VALUE);
    return b.build();
  }
}
