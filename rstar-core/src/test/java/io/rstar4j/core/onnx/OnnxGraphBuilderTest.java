package io.rstar4j.core.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.rstar4j.core.model.GraphSession;
import io.rstar4j.core.model.ProviderChoice;
import io.rstar4j.core.model.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnnxGraphBuilderTest {
  private static GraphSession open(byte[] model) {
    return GraphSession.builder().provider(ProviderChoice.CPU).open(model, "test graph");
  }

  /** Runs a graph of one input {@code x} and one output on a [rows, cols] matrix. */
  private static float[][] run(byte[] model, float[][] x) {
    float[] flat = new float[x.length * x[0].length];
    for (int i = 0; i < x.length; i++) {
      System.arraycopy(x[i], 0, flat, i * x[0].length, x[0].length);
    }
    try (GraphSession s = open(model)) {
      Tensor out =
          s.run(Map.of("x", Tensor.of(flat, x.length, x[0].length))).values().iterator().next();
      long[] shape = out.shape();
      float[] all = out.toFloatArray();
      float[][] rows = new float[(int) shape[0]][(int) shape[1]];
      for (int i = 0; i < rows.length; i++) {
        System.arraycopy(all, i * rows[i].length, rows[i], 0, rows[i].length);
      }
      return rows;
    }
  }

  @Test
  void affineGraphComputesWhatItSays() throws Exception {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("affine");
    String x = g.input("x", ElementType.FLOAT, "batch", 2);
    String w = g.initializer("w", new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    String y = g.add(g.matMul(x, w), g.constant(0.5f));
    g.output(y, "y", ElementType.FLOAT, "batch", 3);
    float[][] out = run(g.toByteArray(), new float[][] {{1, 1}, {2, 0}});
    assertArrayEquals(new float[] {5.5f, 7.5f, 9.5f}, out[0]);
    assertArrayEquals(new float[] {2.5f, 4.5f, 6.5f}, out[1]);
  }

  @Test
  void symbolicDimensionsAreKept() throws Exception {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("id");
    g.input("x", ElementType.FLOAT, "batch", 4);
    g.output(g.relu("x"), "y", ElementType.FLOAT, "batch", 4);
    try (GraphSession s = open(g.toByteArray())) {
      assertArrayEquals(new long[] {-1, 4}, s.inputs().get("x").shape());
    }
    OnnxMl.ModelProto m = g.build();
    assertEquals(
        "batch",
        m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
    assertEquals(17, m.getOpsetImport(0).getVersion());
  }

  @Test
  void rmsNormSoftmaxAndReductionsAgreeWithJava() throws Exception {
    for (int opset : new int[] {17, 18}) {
      OnnxGraphBuilder g = OnnxGraphBuilder.create("norm").opset(opset);
      String x = g.input("x", ElementType.FLOAT, 1, 4);
      String n = g.rmsNorm(x, g.initializer("s", new float[] {1, 1, 2, 2}, 4), 0f);
      String sm = g.softmax(n, -1);
      String mean = g.reduceMean(sm, true, -1);
      g.output(g.concat(-1, sm, mean), "y", ElementType.FLOAT, 1, 5);
      float[] in = {1, -2, 3, 0.5f};
      float[] out = run(g.toByteArray(), new float[][] {in})[0];
      double ms = 0;
      for (float v : in) {
        ms += v * v / 4.0;
      }
      double[] norm = new double[4];
      double z = 0;
      for (int i = 0; i < 4; i++) {
        norm[i] = in[i] / Math.sqrt(ms) * (i < 2 ? 1 : 2);
        z += Math.exp(norm[i]);
      }
      for (int i = 0; i < 4; i++) {
        assertEquals(Math.exp(norm[i]) / z, out[i], 1e-5);
      }
      assertEquals(0.25, out[4], 1e-6);
    }
  }

  @Test
  void shapeOpsAndGenericNodes() throws Exception {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("shapes");
    String x = g.input("x", ElementType.FLOAT, 2, 3);
    String t = g.transpose(g.reshape(x, 3, 2), 1, 0); // [2, 3]
    String sl = g.slice(t, new long[] {1}, new long[] {3}, new long[] {1}); // [2, 2]
    String y = g.node("Mul").inputs(sl, g.constant(2f)).outputs("y").add();
    g.output(y, ElementType.FLOAT, 2, 2);
    float[][] out = run(g.toByteArray(), new float[][] {{0, 1, 2}, {3, 4, 5}});
    // reshape [[0,1],[2,3],[4,5]] -> transpose [[0,2,4],[1,3,5]] -> slice cols 1..3
    assertArrayEquals(new float[] {4, 8}, out[0]);
    assertArrayEquals(new float[] {6, 10}, out[1]);
  }

  @Test
  void invalidGraphsAreRejectedEarly() {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("bad");
    g.input("x", ElementType.FLOAT, 2);
    IllegalArgumentException dup =
        assertThrows(IllegalArgumentException.class, () -> g.input("x", ElementType.FLOAT, 2));
    assertTrue(dup.getMessage().contains("already defined"));
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> g.add("x", "nope"));
    assertTrue(unknown.getMessage().contains("unknown value 'nope'"));
    assertThrows(IllegalArgumentException.class, () -> g.initializer("w", new float[3], 2, 2));
    assertThrows(
        IllegalArgumentException.class, () -> g.input("y", ElementType.FLOAT, 1.5f, new Object()));
    assertThrows(IllegalStateException.class, g::build);
    assertThrows(IllegalArgumentException.class, () -> OnnxGraphBuilder.create("o").opset(13));
    g.relu("x");
    assertThrows(IllegalStateException.class, () -> g.opset(18));
  }
}
