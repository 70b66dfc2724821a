package io.rstar4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.onnx.ElementType;
import io.rstar4j.core.onnx.OnnxGraphBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphSessionTest {
  @TempDir Path dir;

  /** y = x W + 0.5 ([batch, 2] x [2, 3]), s = sum(x) (double), n = ids + 1 (int64). */
  static byte[] graph() {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("affine");
    String x = g.input("x", ElementType.FLOAT, "batch", 2);
    String w = g.initializer("w", new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    g.output(g.add(g.matMul(x, w), g.constant(0.5f)), "y", ElementType.FLOAT, "batch", 3);
    String d = g.input("d", ElementType.DOUBLE, 3);
    g.output(g.reduceSum(d, false), "s", ElementType.DOUBLE);
    String ids = g.input("ids", ElementType.INT64, "n");
    g.output(g.add(ids, g.constantScalar(1)), "n", ElementType.INT64, "n");
    return g.toByteArray();
  }

  static Map<String, Tensor> inputs(Tensor x) {
    return Map.of(
        "x", x,
        "d", Tensor.of(new double[] {0.25, 0.5, 1}, 3),
        "ids", Tensor.of(new long[] {41, 6}, 2));
  }

  @Test
  void runsAGraphFromBytesAndReportsItsPorts() {
    try (GraphSession g = GraphSession.builder().provider(ProviderChoice.CPU).open(graph(), "t")) {
      assertEquals(ExecutionProvider.CPU, g.provider());
      assertEquals(Set.of("x", "d", "ids"), g.inputs().keySet());
      assertEquals(
          new GraphSession.Port(Tensor.Type.FLOAT, new long[] {-1, 2}), g.inputs().get("x"));
      assertEquals(new GraphSession.Port(Tensor.Type.INT64, new long[] {-1}), g.outputs().get("n"));
      Map<String, Tensor> out = g.run(inputs(Tensor.of(new float[] {1, 1, 2, 0}, 2, 2)));
      assertEquals(Set.of("y", "s", "n"), out.keySet());
      assertArrayEquals(new long[] {2, 3}, out.get("y").shape());
      assertArrayEquals(
          new float[] {5.5f, 7.5f, 9.5f, 2.5f, 4.5f, 6.5f}, out.get("y").toFloatArray());
      assertEquals(1.75, out.get("s").doubleValue());
      assertEquals(0, out.get("s").rank());
      assertArrayEquals(new long[] {42, 7}, out.get("n").toLongArray());
      // only what is asked for
      Map<String, Tensor> some = g.run(inputs(Tensor.of(new float[] {0, 0}, 1, 2)), Set.of("s"));
      assertEquals(Set.of("s"), some.keySet());
    }
  }

  @Test
  void directTensorsGoInAndOutInPlace() {
    try (GraphSession g = GraphSession.builder().provider(ProviderChoice.CPU).open(graph(), "t")) {
      FloatBuffer params =
          ByteBuffer.allocateDirect(4 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
      params.put(new float[] {1, 1, 2, 0}).flip();
      Tensor x = Tensor.wrap(params, 2, 2);
      assertTrue(x.isDirect());
      Tensor y = Tensor.allocate(Tensor.Type.FLOAT, 2, 3);
      Map<String, Tensor> copied = g.run(inputs(x), Set.of("n"), Map.of("y", y));
      assertEquals(Set.of("n"), copied.keySet());
      assertArrayEquals(new float[] {5.5f, 7.5f, 9.5f, 2.5f, 4.5f, 6.5f}, y.toFloatArray());
      // The input is a view: a change to the caller's buffer is seen by the next run.
      params.put(0, 0f).put(1, 0f);
      g.run(inputs(x), Set.of(), Map.of("y", y));
      assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 2.5f, 4.5f, 6.5f}, y.toFloatArray());
      assertEquals(0.5f, ((FloatBuffer) y.writableBuffer()).get(0));
    }
  }

  @Test
  void badCallsFailWithTheNames() throws Exception {
    Path file = dir.resolve("g.onnx");
    Files.write(file, graph());
    GraphSession g = GraphSession.builder().provider(ProviderChoice.CPU).open(file);
    Tensor x = Tensor.of(new float[] {1, 1}, 1, 2);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> g.run(Map.of("x", x, "d", x)));
    assertTrue(e.getMessage().contains("'ids' is missing"), e.getMessage());
    Map<String, Tensor> extra = new java.util.HashMap<>(inputs(x));
    extra.put("z", x);
    e = assertThrows(IllegalArgumentException.class, () -> g.run(extra));
    assertTrue(e.getMessage().contains("no input 'z'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> g.run(inputs(x), Set.of("q")));
    assertTrue(e.getMessage().contains("no output 'q'"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> g.run(inputs(x), Set.of(), Map.of("y", Tensor.of(new float[3], 1, 3))));
    assertTrue(e.getMessage().contains("direct"), e.getMessage());
    IllegalStateException ort =
        assertThrows(
            IllegalStateException.class,
            () -> g.run(inputs(Tensor.of(new float[] {1, 2, 3}, 1, 3))));
    assertTrue(ort.getMessage().contains("ONNX Runtime failed"), ort.getMessage());
    g.close();
    g.close();
    assertThrows(IllegalStateException.class, () -> g.run(inputs(x)));
    assertThrows(
        NoSuchFileException.class, () -> GraphSession.builder().open(dir.resolve("missing.onnx")));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GraphSession.builder().open("not a model".getBytes(), "junk"));
    assertTrue(e.getMessage().contains("junk could not be loaded"), e.getMessage());
  }

  @Test
  void providerChoices() {
    try (GraphSession auto = GraphSession.builder().open(graph(), "auto")) {
      assertEquals(ExecutionProvider.CPU, auto.provider(), "the CPU build falls back");
    }
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> GraphSession.builder().provider(ProviderChoice.CUDA).open(graph(), "cuda"));
    assertTrue(e.getMessage().contains("CUDA was required"), e.getMessage());
    assertThrows(
        IllegalStateException.class,
        () -> GraphSession.builder().provider(ProviderChoice.CPU).provider(ProviderChoice.AUTO));
    assertThrows(IllegalArgumentException.class, () -> GraphSession.builder().cudaDevice(-1));
  }

  @Test
  void tensorsAreValuesOrViews() {
    float[] a = {1, 2, 3, 4, 5, 6};
    Tensor t = Tensor.of(a, 2, 3);
    a[0] = 99;
    assertEquals(1f, t.toFloatArray()[0], "of() copies");
    assertEquals(t, Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
    assertNotEqualsShape(t);
    assertThrows(IllegalStateException.class, t::writableBuffer);
    assertThrows(IllegalStateException.class, t::toLongArray);
    assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
    assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[0], -1));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Tensor.wrap(
                ByteBuffer.allocateDirect(8)
                    .order(
                        ByteOrder.BIG_ENDIAN.equals(ByteOrder.nativeOrder())
                            ? ByteOrder.LITTLE_ENDIAN
                            : ByteOrder.BIG_ENDIAN)
                    .asFloatBuffer(),
                2));
    FloatBuffer heap = FloatBuffer.wrap(new float[] {7, 8, 9});
    heap.position(1);
    Tensor v = Tensor.wrap(heap, 2);
    assertFalse(v.isDirect());
    assertArrayEquals(new float[] {8, 9}, v.toFloatArray(), "a view starts at the position");
    heap.put(2, 10);
    assertArrayEquals(new float[] {8, 10}, v.toFloatArray(), "and sees the caller's writes");
    assertArrayEquals(
        new boolean[] {true, false}, Tensor.of(new boolean[] {true, false}, 2).toBooleanArray());
    assertEquals(3L, Tensor.scalar(3L).toLongArray()[0]);
    Tensor z = Tensor.allocate(Tensor.Type.INT32, 2, 2);
    assertTrue(z.isDirect());
    assertArrayEquals(new int[4], z.toIntArray());
    assertNotSame(z.shape(), z.shape());
  }

  private static void assertNotEqualsShape(Tensor t) {
    assertFalse(t.equals(Tensor.of(t.toFloatArray(), 3, 2)));
  }
}
