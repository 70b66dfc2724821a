package io.rstar4j.train.ppm;

import ai.onnx.proto.OnnxMl;
import io.rstar4j.core.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Appends the value head to a backbone graph: output {@code values [batch, seq, 1]}. */
final class MergedGraph {
  private static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT_VALUE;

  private MergedGraph() {}

  static void write(Path backboneModel, String hiddenOutput, ValueHead head, Path out)
      throws IOException {
    OnnxMl.ModelProto model;
    try (InputStream in = Files.newInputStream(backboneModel)) {
      model = OnnxMl.ModelProto.parseFrom(in);
    }
    OnnxMl.GraphProto g = model.getGraph();
    OnnxMl.ValueInfoProto hidden = null;
    for (OnnxMl.ValueInfoProto o : g.getOutputList()) {
      if (o.getName().equals(hiddenOutput)) {
        hidden = o;
      }
    }
    if (hidden == null) {
      throw new IllegalArgumentException(backboneModel + ": no output named " + hiddenOutput);
    }
    OnnxMl.TensorShapeProto shape = hidden.getType().getTensorType().getShape();
    int rank = shape.getDimCount();
    if (rank != 3) {
      throw new IllegalArgumentException(hiddenOutput + " must be [batch, seq, hidden]");
    }
    OnnxMl.TensorShapeProto.Dimension hd = shape.getDim(2);
    if (hd.hasDimValue() && hd.getDimValue() != head.hiddenSize()) {
      throw new IllegalArgumentException(
          "hidden size mismatch: the value head takes "
              + head.hiddenSize()
              + " inputs but "
              + hiddenOutput
              + " has "
              + hd.getDimValue());
    }
    OnnxMl.TensorProto.Builder w =
        OnnxMl.TensorProto.newBuilder()
            .setName("ppm_head_weight")
            .setDataType(FLOAT)
            .addDims(head.hiddenSize())
            .addDims(1);
    for (float x : head.weight()) {
      w.addFloatData(x);
    }
    OnnxMl.TensorProto.Builder b =
        OnnxMl.TensorProto.newBuilder()
            .setName("ppm_head_bias")
            .setDataType(FLOAT)
            .addDims(1)
            .addFloatData(head.bias());
    OnnxMl.TensorShapeProto.Builder outShape =
        OnnxMl.TensorShapeProto.newBuilder()
            .addDim(shape.getDim(0))
            .addDim(shape.getDim(1))
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1));
    OnnxMl.GraphProto.Builder gb =
        g.toBuilder()
            .clearOutput()
            .addInitializer(w)
            .addInitializer(b)
            .addNode(
                OnnxMl.NodeProto.newBuilder()
                    .setOpType("MatMul")
                    .setName("ppm_head_matmul")
                    .addInput(hiddenOutput)
                    .addInput("ppm_head_weight")
                    .addOutput("ppm_head_raw"))
            .addNode(
                OnnxMl.NodeProto.newBuilder()
                    .setOpType("Add")
                    .setName("ppm_head_add")
                    .addInput("ppm_head_raw")
                    .addInput("ppm_head_bias")
                    .addOutput("values"))
            .addOutput(
                OnnxMl.ValueInfoProto.newBuilder()
                    .setName("values")
                    .setType(
                        OnnxMl.TypeProto.newBuilder()
                            .setTensorType(
                                OnnxMl.TypeProto.Tensor.newBuilder()
                                    .setElemType(FLOAT)
                                    .setShape(outShape))));
    Files.createDirectories(out.toAbsolutePath().getParent());
    AtomicFiles.writeBytes(out, model.toBuilder().setGraph(gb).build().toByteArray());
  }
}
