package io.rstar4j.train.autodiff;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The forward model made ready for differentiation: opset checked (and raised), inputs removed. */
final class Prepare {
  /** Operators whose meaning changed between opsets 13 and 17 (so a model using them stays put). */
  private static final Set<String> CHANGED_BEFORE_17 = Set.of("RoiAlign");

  private Prepare() {}

  static OnnxMl.ModelProto prepare(OnnxMl.ModelProto model, Map<String, Integer> zeroLength) {
    int opset = -1;
    for (OnnxMl.OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        opset = (int) o.getVersion();
      }
    }
    if (opset < 0) {
      throw new IllegalArgumentException("the model imports no default-domain (ai.onnx) opset");
    }
    if (opset < 13) {
      throw new IllegalArgumentException(
          "the model's opset is "
              + opset
              + "; training graphs need opset 13 or later (re-export with opset 14 or later)");
    }
    OnnxMl.ModelProto.Builder mb = model.toBuilder();
    if (opset < 17) {
      for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
        if (CHANGED_BEFORE_17.contains(n.getOpType()) && n.getDomain().isEmpty()) {
          throw new IllegalArgumentException(
              Graph.label(n) + " changed meaning by opset 17; re-export the model with opset 17");
        }
      }
      mb.clearOpsetImport();
      for (OnnxMl.OperatorSetIdProto o : model.getOpsetImportList()) {
        if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
          mb.addOpsetImport(o.toBuilder().setVersion(17));
        } else {
          mb.addOpsetImport(o);
        }
      }
    }
    if (zeroLength.isEmpty()) {
      return mb.build();
    }
    OnnxMl.GraphProto g = model.getGraph();
    Set<String> taken = new HashSet<>();
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      taken.addAll(n.getOutputList());
    }
    for (OnnxMl.ValueInfoProto i : g.getInputList()) {
      taken.add(i.getName());
    }
    for (OnnxMl.TensorProto t : g.getInitializerList()) {
      taken.add(t.getName());
    }
    Emitter e = new Emitter(Math.max(17, opset), taken, "empty::");
    List<OnnxMl.ValueInfoProto> keptInputs = new ArrayList<>();
    for (OnnxMl.ValueInfoProto i : g.getInputList()) {
      if (!zeroLength.containsKey(i.getName())) {
        keptInputs.add(i);
      }
    }
    for (OnnxMl.ValueInfoProto i : g.getInputList()) {
      Integer axis = zeroLength.get(i.getName());
      if (axis == null) {
        continue;
      }
      ValueType t = Shapes.fromValueInfo(i);
      if (t.dims() == null || axis >= t.rank()) {
        throw new IllegalArgumentException(
            "input '" + i.getName() + "' declares no dimension " + axis + " to make empty");
      }
      List<String> parts = new ArrayList<>();
      for (int k = 0; k < t.rank(); k++) {
        Dim d = t.dim(k);
        if (k == axis) {
          parts.add(e.ints(0));
        } else if (d.isStatic()) {
          parts.add(e.ints(d.size()));
        } else {
          parts.add(symbolicDim(e, d, keptInputs, i.getName(), k));
        }
      }
      String shape = e.node("Concat").in(parts.toArray(new String[0])).attr("axis", 0L).add();
      int et = t.elemType() == 0 ? DataType.FLOAT_VALUE : t.elemType();
      e.node("ConstantOfShape")
          .in(shape)
          .attr("value", Emitter.fillValue(et, 0))
          .out(i.getName())
          .add();
    }
    OnnxMl.GraphProto.Builder gb = g.toBuilder().clearInput().addAllInput(keptInputs);
    gb.clearNode().addAllNode(e.nodes).addAllNode(g.getNodeList());
    gb.addAllInitializer(e.initializers);
    return mb.setGraph(gb).build();
  }

  private static String symbolicDim(
      Emitter e, Dim d, List<OnnxMl.ValueInfoProto> inputs, String input, int axis) {
    if (d.symbol() != null) {
      for (OnnxMl.ValueInfoProto o : inputs) {
        ValueType t = Shapes.fromValueInfo(o);
        if (t.dims() == null) {
          continue;
        }
        for (int k = 0; k < t.rank(); k++) {
          if (t.dim(k).sameAs(d)) {
            String shape = e.op("Shape", o.getName());
            return e.node("Gather").in(shape, e.ints(k)).attr("axis", 0L).add();
          }
        }
      }
    }
    throw new IllegalArgumentException(
        "cannot make input '"
            + input
            + "' empty: its dimension "
            + axis
            + " ("
            + d
            + ") is not fixed and no other input has a dimension of that name");
  }
}
