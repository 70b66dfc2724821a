package io.rstar4j.train.autodiff;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.rstar4j.core.onnx.ElementType;
import io.rstar4j.core.onnx.OnnxGraphBuilder;
import java.io.InputStream;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Graphs and settings that cannot be trained fail with a message naming what and where. */
class AutodiffErrorsTest {

  /** y = op(x * w) summed; w trainable. */
  static OnnxMl.ModelProto chain(Consumer<OnnxGraphBuilder.NodeBuilder> middle, String op) {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("bad");
    String x = g.input("x", ElementType.FLOAT, "n", 3);
    String w = g.initializer("w", new float[] {1, 2, 3}, 3);
    String h = g.mul(x, w);
    OnnxGraphBuilder.NodeBuilder nb = g.node(op).inputs(h);
    middle.accept(nb);
    String y = nb.add();
    g.output(g.reduceSum(y, false, 0, 1), "loss", ElementType.FLOAT);
    return g.build();
  }

  static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void anOperatorWithoutARuleIsNamedWithItsNode() {
    OnnxMl.ModelProto m = chain(nb -> {}, "CumSumX");
    String msg =
        message(
            () -> TrainingGraphBuilder.forModel(m).trainable(List.of("w")).loss("loss").build());
    assertTrue(msg.contains("no gradient rule for CumSumX node 'n_CumSumX_"), msg);
  }

  @Test
  void aFusedContribOperatorSaysToTrainAnUnfusedExport() {
    OnnxMl.ModelProto m = chain(nb -> nb.domain("com.microsoft"), "GroupQueryAttention");
    String msg =
        message(
            () -> TrainingGraphBuilder.forModel(m).trainable(List.of("w")).loss("loss").build());
    assertTrue(msg.contains("com.microsoft.GroupQueryAttention node"), msg);
    assertTrue(msg.contains("train on an unfused export"), msg);
  }

  @Test
  void operatorsOnlyOnTheMaskPathNeedNoRule() {
    // A position computation with CumSum (no rule) feeds only integer values.
    OnnxGraphBuilder g = OnnxGraphBuilder.create("mask");
    String mask = g.input("mask", ElementType.INT64, "b", 3);
    String x = g.input("x", ElementType.FLOAT, "b", 3);
    String w = g.initializer("w", new float[] {1, 2, 3}, 3);
    String pos = g.op("CumSum", mask, g.constantScalar(1));
    String bias = g.cast(pos, ElementType.FLOAT);
    String y = g.mul(g.add(g.mul(x, w), bias), w);
    g.output(g.reduceSum(y, false, 0, 1), "loss", ElementType.FLOAT);
    OnnxMl.ModelProto m = g.build();
    assertDoesNotThrow(
        () -> TrainingGraphBuilder.forModel(m).trainable(List.of("w")).loss("loss").build());
  }

  @Test
  void aNonFloatParameterIsRefused() {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("ints");
    String x = g.input("x", ElementType.FLOAT, 3);
    String idx = g.initializer("idx", new long[] {0, 2}, 2);
    g.output(g.reduceSum(g.gather(x, idx, 0), false, 0), "loss", ElementType.FLOAT);
    OnnxMl.ModelProto m = g.build();
    String msg = message(() -> TrainingGraphBuilder.forModel(m).trainable(List.of("idx")));
    assertTrue(msg.contains("parameter 'idx' is INT64; only FLOAT (or DOUBLE)"), msg);
  }

  @Test
  void aQuantizedModelsWeightsAreRefused() throws Exception {
    OnnxMl.ModelProto m;
    try (InputStream in = getClass().getResourceAsStream("/all-minilm-l6-v2-q.onnx")) {
      m = OnnxMl.ModelProto.parseFrom(in);
    }
    String name =
        m.getGraph().getInitializerList().stream()
            .filter(
                t ->
                    t.getDataType() == OnnxMl.TensorProto.DataType.INT8_VALUE
                        || t.getDataType() == OnnxMl.TensorProto.DataType.UINT8_VALUE)
            .findFirst()
            .orElseThrow()
            .getName();
    String msg = message(() -> TrainingGraphBuilder.forModel(m).trainable(List.of(name)));
    assertTrue(msg.contains("a quantized model can only train what sits on top of it"), msg);
  }

  @Test
  void aParameterTheLossIgnoresIsNamed() {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("unused");
    String x = g.input("x", ElementType.FLOAT, 3);
    String w = g.initializer("w", new float[] {1, 2, 3}, 3);
    g.initializer("unused", new float[] {1, 2, 3}, 3);
    g.output(g.reduceSum(g.mul(x, w), false, 0), "loss", ElementType.FLOAT);
    OnnxMl.ModelProto m = g.build();
    String msg =
        message(
            () ->
                TrainingGraphBuilder.forModel(m)
                    .trainable(List.of("w", "unused"))
                    .loss("loss")
                    .build());
    assertTrue(msg.contains("'unused' does not affect the loss 'loss'"), msg);
  }

  @Test
  void aParameterSeenOnlyThroughItsShapeGetsNoGradient() {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("shape");
    String x = g.input("x", ElementType.FLOAT, 3);
    String w = g.initializer("w", new float[] {1, 2, 3}, 3);
    String n = g.cast(g.shape(w), ElementType.FLOAT);
    g.output(g.reduceSum(g.mul(x, n), false, 0), "loss", ElementType.FLOAT);
    OnnxMl.ModelProto m = g.build();
    String msg =
        message(
            () -> TrainingGraphBuilder.forModel(m).trainable(List.of("w")).loss("loss").build());
    assertTrue(msg.contains("does not depend on the trainable parameters"), msg);
  }

  @Test
  void aLossThatIsNotAScalarIsRefused() {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("vector");
    String x = g.input("x", ElementType.FLOAT, 3);
    String w = g.initializer("w", new float[] {1, 2, 3}, 3);
    g.output(g.mul(x, w), "loss", ElementType.FLOAT, 3);
    OnnxMl.ModelProto m = g.build();
    String msg =
        message(
            () -> TrainingGraphBuilder.forModel(m).trainable(List.of("w")).loss("loss").build());
    assertTrue(msg.contains("must be a scalar, its shape is [3]"), msg);
  }

  @Test
  void anOldOpsetIsRefused() {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("old");
    String x = g.input("x", ElementType.FLOAT, 3);
    String w = g.initializer("w", new float[] {1, 2, 3}, 3);
    g.output(g.reduceSum(g.mul(x, w), false, 0), "loss", ElementType.FLOAT);
    OnnxMl.ModelProto m0 = g.build();
    OnnxMl.ModelProto m =
        m0.toBuilder().setOpsetImport(0, m0.getOpsetImport(0).toBuilder().setVersion(12)).build();
    String msg =
        message(
            () -> TrainingGraphBuilder.forModel(m).trainable(List.of("w")).loss("loss").build());
    assertTrue(msg.contains("opset is 12; training graphs need opset 13 or later"), msg);
  }

  @Test
  void aStridedSliceIsRefusedClearly() {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("strided");
    String w = g.initializer("w", new float[] {1, 2, 3, 4}, 4);
    String s =
        g.op(
            "Slice", w, g.constantInts(0), g.constantInts(4), g.constantInts(0), g.constantInts(2));
    g.output(g.reduceSum(g.mul(s, s), false, 0), "loss", ElementType.FLOAT);
    OnnxMl.ModelProto m = g.build();
    String msg =
        message(
            () -> TrainingGraphBuilder.forModel(m).trainable(List.of("w")).loss("loss").build());
    assertTrue(msg.contains("Slice node") && msg.contains("steps other than 1"), msg);
  }

  @Test
  void builderOptionsAreCheckedAtTheSetter() {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("opts");
    String x = g.input("x", ElementType.FLOAT, 3);
    String w = g.initializer("w", new float[] {1, 2, 3}, 3);
    g.output(g.reduceSum(g.mul(x, w), false, 0), "loss", ElementType.FLOAT);
    OnnxMl.ModelProto m = g.build();
    TrainingGraphBuilder b = TrainingGraphBuilder.forModel(m).trainable(List.of("w"));
    assertTrue(
        assertThrows(IllegalStateException.class, () -> b.trainable(List.of("w")))
            .getMessage()
            .contains("trainable initializers was already set"));
    assertTrue(message(() -> b.loss("nope")).contains("no value 'nope'"));
    assertTrue(
        message(() -> TrainingGraphBuilder.forModel(m).trainable(List.of("x")))
            .contains("'x' is not an initializer"));
    assertTrue(
        message(() -> TrainingGraphBuilder.forModel(m).trainable(List.of("w", "w")))
            .contains("given twice"));
    assertTrue(
        message(() -> TrainingGraphBuilder.forModel(m).zeroLengthInput("nope", 0))
            .contains("no input 'nope'"));
    assertThrows(
        IllegalStateException.class,
        () -> TrainingGraphBuilder.forModel(m).trainable(List.of("w")).build());
    assertThrows(IllegalArgumentException.class, () -> b.adamW(1.0, 0.999, 1e-8));
  }

  @Test
  void anEmptiedInputNeedsItsDimensionsFromSomewhere() {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("past");
    String past = g.input("past", ElementType.FLOAT, "mystery", 0);
    String w = g.initializer("w", new float[] {1, 2}, 1, 2);
    String c = g.concat(1, past, w);
    g.output(g.reduceSum(g.mul(c, c), false, 0, 1), "loss", ElementType.FLOAT);
    OnnxMl.ModelProto m = g.build();
    String msg =
        message(
            () ->
                TrainingGraphBuilder.forModel(m)
                    .trainable(List.of("w"))
                    .loss("loss")
                    .zeroLengthInput("past", 1)
                    .build());
    assertTrue(msg.contains("dimension 0 (mystery) is not fixed"), msg);
  }
}
