package io.rstar4j.train.autodiff;

import ai.onnx.proto.OnnxMl;

/** A readable listing of a graph, for failure messages while debugging. */
final class Dump {
  private Dump() {}

  static String text(OnnxMl.ModelProto m) {
    StringBuilder b = new StringBuilder();
    OnnxMl.GraphProto g = m.getGraph();
    for (OnnxMl.ValueInfoProto i : g.getInputList()) {
      b.append("input ")
          .append(i.getName())
          .append(' ')
          .append(Shapes.fromValueInfo(i))
          .append('\n');
    }
    for (OnnxMl.TensorProto t : g.getInitializerList()) {
      b.append("init ").append(t.getName()).append(' ').append(t.getDimsList());
      long[] l = Tensors.longs(t);
      if (l != null && l.length < 10) {
        b.append(" = ").append(java.util.Arrays.toString(l));
      }
      double[] d = Tensors.doubles(t);
      if (d != null && d.length < 4) {
        b.append(" = ").append(java.util.Arrays.toString(d));
      }
      b.append('\n');
    }
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      b.append(n.getName())
          .append(": ")
          .append(n.getOutputList())
          .append(" = ")
          .append(n.getOpType());
      b.append(n.getInputList());
      for (OnnxMl.AttributeProto a : n.getAttributeList()) {
        b.append(' ').append(a.getName()).append('=');
        switch (a.getType()) {
          case INT -> b.append(a.getI());
          case INTS -> b.append(a.getIntsList());
          case FLOAT -> b.append(a.getF());
          case STRING -> b.append(a.getS().toStringUtf8());
          default -> b.append(a.getType());
        }
      }
      b.append('\n');
    }
    for (OnnxMl.ValueInfoProto o : g.getOutputList()) {
      b.append("output ")
          .append(o.getName())
          .append(' ')
          .append(Shapes.fromValueInfo(o))
          .append('\n');
    }
    return b.toString();
  }
}
