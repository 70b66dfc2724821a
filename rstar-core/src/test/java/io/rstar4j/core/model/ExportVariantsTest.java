package io.rstar4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl;
import io.rstar4j.core.testing.TinyQwen2;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Variants of real exports load and generate like the plain one. */
class ExportVariantsTest {
  @TempDir Path dir;

  @Test
  void optimumMergedDecoderWithUseCacheBranchInput() throws Exception {
    TinyQwen2.Config c = TinyQwen2.Config.tiny();
    Path plain = dir.resolve("plain");
    TinyQwen2.writeExport(c, plain);
    // An Optimum "decoder_model_merged.onnx" takes a boolean use_cache_branch input as well.
    OnnxMl.ModelProto m = TinyQwen2.model(c);
    OnnxMl.ValueInfoProto flag =
        OnnxMl.ValueInfoProto.newBuilder()
            .setName("use_cache_branch")
            .setType(
                OnnxMl.TypeProto.newBuilder()
                    .setTensorType(
                        OnnxMl.TypeProto.Tensor.newBuilder()
                            .setElemType(OnnxMl.TensorProto.DataType.BOOL_VALUE)
                            .setShape(
                                OnnxMl.TensorShapeProto.newBuilder()
                                    .addDim(
                                        OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                            .setDimValue(1)))))
            .build();
    OnnxMl.ModelProto merged =
        m.toBuilder().setGraph(m.getGraph().toBuilder().addInput(flag)).build();
    Path mergedDir = Files.createDirectories(dir.resolve("merged"));
    Files.write(mergedDir.resolve("decoder_model_merged.onnx"), merged.toByteArray());
    for (String f : List.of("tokenizer.json", "config.json", "generation_config.json")) {
      Files.copy(plain.resolve(f), mergedDir.resolve(f));
    }
    GenerationConfig cfg = GenerationConfig.greedy(12);
    try (CausalLm a = CausalLm.load(plain);
        CausalLm b = CausalLm.load(mergedDir)) {
      assertEquals(
          a.generate("same prompt", 2, cfg).completions(),
          b.generate("same prompt", 2, cfg).completions());
    }
  }
}
