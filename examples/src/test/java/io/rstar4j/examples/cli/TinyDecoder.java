package io.rstar4j.examples.cli;

import ai.onnx.proto.OnnxMl;
import io.rstar4j.core.model.TinyQwen2;
import java.nio.file.Files;
import java.nio.file.Path;

/** The project's tiny Qwen2 export with its final hidden states exposed: a PPM backbone. */
final class TinyDecoder {
  private TinyDecoder() {}

  static Path writeBackbone(Path dir) throws Exception {
    TinyQwen2.Config c = TinyQwen2.Config.tiny();
    TinyQwen2.writeExport(c, dir);
    OnnxMl.ModelProto m = TinyQwen2.model(c);
    String hidden = null;
    for (OnnxMl.NodeProto n : m.getGraph().getNodeList()) {
      if (n.getOutputList().contains("logits")) {
        hidden = n.getInput(0);
      }
    }
    OnnxMl.GraphProto.Builder g = m.getGraph().toBuilder();
    g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Identity").setName("expose_hidden")
        .addInput(hidden).addOutput("last_hidden_state"));
    g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName("last_hidden_state").setType(
        OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
            .setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
            .setShape(OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch_size"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder()
                    .setDimParam("sequence_length"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder()
                    .setDimValue(c.hidden()))))));
    Files.write(dir.resolve("model.onnx"), m.toBuilder().setGraph(g).build().toByteArray());
    return dir;
  }
}
