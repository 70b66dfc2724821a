package io.rstar4j.core.testing;

import ai.onnx.proto.OnnxMl;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test support (in the test jar): the project's tiny Qwen2 export with its final-norm hidden states
 * exposed as {@code last_hidden_state}, as a feature-extraction export of a causal LM has them, so
 * it can serve as a decoder backbone of a Process Preference Model.
 */
public final class TinyDecoderBackbone {
  private TinyDecoderBackbone() {}

  /** Writes the export (model.onnx, tokenizer.json, config.json) into {@code dir}; returns dir. */
  public static Path write(Path dir) throws Exception {
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
    g.addNode(
        OnnxMl.NodeProto.newBuilder()
            .setOpType("Identity")
            .setName("expose_hidden")
            .addInput(hidden)
            .addOutput("last_hidden_state"));
    g.addOutput(
        OnnxMl.ValueInfoProto.newBuilder()
            .setName("last_hidden_state")
            .setType(
                OnnxMl.TypeProto.newBuilder()
                    .setTensorType(
                        OnnxMl.TypeProto.Tensor.newBuilder()
                            .setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                            .setShape(
                                OnnxMl.TensorShapeProto.newBuilder()
                                    .addDim(
                                        OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                            .setDimParam("batch_size"))
                                    .addDim(
                                        OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                            .setDimParam("sequence_length"))
                                    .addDim(
                                        OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                            .setDimValue(c.hidden()))))));
    Files.write(dir.resolve("model.onnx"), m.toBuilder().setGraph(g).build().toByteArray());
    return dir;
  }
}
