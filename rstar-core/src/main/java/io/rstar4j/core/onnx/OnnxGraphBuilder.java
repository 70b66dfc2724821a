package io.rstar4j.core.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import io.rstar4j.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A small fluent builder of ONNX models over the protobuf classes {@code ai.onnx.proto.OnnxMl}:
 * graph inputs and outputs with fixed or symbolic dimensions, initializers (weights and constants),
 * any operator through {@link #node(String)}, and helpers for the common ones.
 *
 * <p>Nodes must be added in topological order: every node input must already be a graph input, an
 * initializer or an earlier node's output (checked when the node is added). Value names are unique;
 * helpers that create values pick fresh names ({@code prefix_N}). The default opset is 17; helpers
 * whose signature changed across opsets (e.g. {@code ReduceMean}'s axes) follow the chosen opset.
 *
 * <pre>{@code
 * OnnxGraphBuilder g = OnnxGraphBuilder.create("affine");
 * String x = g.input("x", ElementType.FLOAT, "batch", 4);
 * String w = g.initializer("w", new float[16], 4, 4);
 * g.output(g.add(g.matMul(x, w), g.constant(1f)), "y", ElementType.FLOAT, "batch", 4);
 * byte[] model = g.toByteArray();
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class OnnxGraphBuilder {
  /** The lowest opset the helpers support. */
  public static final int MIN_OPSET = 17;

  private final String graphName;
  private int opset = MIN_OPSET;
  private String producer = "rstar4j";
  private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
  private final Set<String> defined = new HashSet<>();
  private final Set<String> outputs = new LinkedHashSet<>();
  private int counter;

  private OnnxGraphBuilder(String graphName) {
    this.graphName = graphName;
    graph.setName(graphName);
  }

  /**
   * Starts a graph.
   *
   * @throws IllegalArgumentException if the name is blank
   */
  public static OnnxGraphBuilder create(String graphName) {
    Objects.requireNonNull(graphName, "graphName");
    if (graphName.isBlank()) {
      throw new IllegalArgumentException("graph name must not be blank");
    }
    return new OnnxGraphBuilder(graphName);
  }

  /**
   * Sets the default-domain opset version (17 by default).
   *
   * @throws IllegalArgumentException if below {@link #MIN_OPSET}
   * @throws IllegalStateException if nodes were already added
   */
  public OnnxGraphBuilder opset(int version) {
    if (version < MIN_OPSET) {
      throw new IllegalArgumentException("opset must be >= " + MIN_OPSET + ", was " + version);
    }
    if (graph.getNodeCount() > 0) {
      throw new IllegalStateException("set the opset before adding nodes");
    }
    this.opset = version;
    return this;
  }

  /** The opset version. */
  public int opsetVersion() {
    return opset;
  }

  /** Sets the producer name written into the model. */
  public OnnxGraphBuilder producer(String name) {
    this.producer = Objects.requireNonNull(name, "name");
    return this;
  }

  /** Whether a value of that name exists (input, initializer or node output). */
  public boolean has(String name) {
    return defined.contains(name);
  }

  /** A fresh value name starting with the prefix. */
  public String fresh(String prefix) {
    String n;
    do {
      n = prefix + "_" + counter++;
    } while (defined.contains(n));
    return n;
  }

  // ---------------------------------------------------------------- inputs, outputs, initializers

  /**
   * Declares a graph input.
   *
   * @param dims each a {@link Number} (fixed size) or a {@link String} (symbolic, e.g. "batch");
   *     {@code null} for an unknown dimension
   * @return the name
   * @throws IllegalArgumentException if the name is taken or a dimension is of another type
   */
  public String input(String name, ElementType type, Object... dims) {
    define(name);
    graph.addInput(valueInfo(name, type, dims));
    return name;
  }

  /**
   * Declares an existing value (a node output or an input) as a graph output under its own name.
   *
   * @throws IllegalArgumentException if no such value exists or it is already an output
   */
  public OnnxGraphBuilder output(String name, ElementType type, Object... dims) {
    requireDefined(name);
    if (!outputs.add(name)) {
      throw new IllegalArgumentException("'" + name + "' is already a graph output");
    }
    graph.addOutput(valueInfo(name, type, dims));
    return this;
  }

  /**
   * Declares a value as a graph output under another name (adds an {@code Identity} when the names
   * differ).
   */
  public OnnxGraphBuilder output(
      String value, String outputName, ElementType type, Object... dims) {
    if (!value.equals(outputName)) {
      node("Identity").inputs(value).outputs(outputName).add();
    }
    return output(outputName, type, dims);
  }

  /** Adds a float initializer of the given shape; returns its name. */
  public String initializer(String name, float[] values, long... shape) {
    checkCount(name, values.length, shape);
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return rawInitializer(name, ElementType.FLOAT, b.array(), shape);
  }

  /** Adds an int64 initializer of the given shape; returns its name. */
  public String initializer(String name, long[] values, long... shape) {
    checkCount(name, values.length, shape);
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    return rawInitializer(name, ElementType.INT64, b.array(), shape);
  }

  /** Adds an int32 initializer of the given shape; returns its name. */
  public String initializer(String name, int[] values, long... shape) {
    checkCount(name, values.length, shape);
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(values);
    return rawInitializer(name, ElementType.INT32, b.array(), shape);
  }

  /**
   * Adds an initializer from little-endian raw bytes.
   *
   * @throws IllegalArgumentException if the byte count does not match the shape
   */
  public String rawInitializer(String name, ElementType type, byte[] littleEndian, long... shape) {
    long count = count(shape);
    if (count * type.bytes() != littleEndian.length) {
      throw new IllegalArgumentException(
          "initializer '"
              + name
              + "': "
              + littleEndian.length
              + " bytes do not match shape "
              + Arrays.toString(shape)
              + " of "
              + type);
    }
    define(name);
    OnnxMl.TensorProto.Builder t =
        OnnxMl.TensorProto.newBuilder().setName(name).setDataType(type.proto().getNumber());
    for (long d : shape) {
      t.addDims(d);
    }
    t.setRawData(ByteString.copyFrom(littleEndian));
    graph.addInitializer(t);
    return name;
  }

  /** A float scalar constant (fresh name). */
  public String constant(float value) {
    return initializer(fresh("const_f"), new float[] {value});
  }

  /** A 1-D int64 constant (fresh name), e.g. a shape or axes. */
  public String constantInts(long... values) {
    return initializer(fresh("const_i"), values, values.length);
  }

  /** An int64 scalar constant (fresh name). */
  public String constantScalar(long value) {
    return initializer(fresh("const_s"), new long[] {value});
  }

  // ---------------------------------------------------------------- generic nodes

  /** Starts a node of the given operator in the default domain. */
  public NodeBuilder node(String opType) {
    return new NodeBuilder(Objects.requireNonNull(opType, "opType"));
  }

  /** Adds a single-output node with a fresh output name; returns it. */
  public String op(String opType, String... inputs) {
    return node(opType).inputs(inputs).add();
  }

  /** A node under construction; {@link #add()} appends it to the graph. */
  public final class NodeBuilder {
    private final OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder();
    private final List<String> outs = new ArrayList<>();

    private NodeBuilder(String opType) {
      n.setOpType(opType);
    }

    /** Sets the domain (default: the ONNX default domain). */
    public NodeBuilder domain(String domain) {
      n.setDomain(domain);
      return this;
    }

    /** Appends inputs; an empty string stands for an omitted optional input. */
    public NodeBuilder inputs(String... names) {
      for (String s : names) {
        if (!s.isEmpty()) {
          requireDefined(s);
        }
        n.addInput(s);
      }
      return this;
    }

    /** Names the outputs (otherwise one fresh output is made). */
    public NodeBuilder outputs(String... names) {
      outs.addAll(Arrays.asList(names));
      return this;
    }

    /** Adds an attribute. */
    public NodeBuilder attr(String name, long value) {
      n.addAttribute(
          OnnxMl.AttributeProto.newBuilder()
              .setName(name)
              .setType(OnnxMl.AttributeProto.AttributeType.INT)
              .setI(value));
      return this;
    }

    /** Adds an attribute. */
    public NodeBuilder attr(String name, float value) {
      n.addAttribute(
          OnnxMl.AttributeProto.newBuilder()
              .setName(name)
              .setType(OnnxMl.AttributeProto.AttributeType.FLOAT)
              .setF(value));
      return this;
    }

    /** Adds an attribute. */
    public NodeBuilder attr(String name, String value) {
      n.addAttribute(
          OnnxMl.AttributeProto.newBuilder()
              .setName(name)
              .setType(OnnxMl.AttributeProto.AttributeType.STRING)
              .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8)));
      return this;
    }

    /** Adds an attribute. */
    public NodeBuilder attr(String name, long[] values) {
      OnnxMl.AttributeProto.Builder a =
          OnnxMl.AttributeProto.newBuilder()
              .setName(name)
              .setType(OnnxMl.AttributeProto.AttributeType.INTS);
      for (long v : values) {
        a.addInts(v);
      }
      n.addAttribute(a);
      return this;
    }

    /** Adds an attribute. */
    public NodeBuilder attr(String name, float[] values) {
      OnnxMl.AttributeProto.Builder a =
          OnnxMl.AttributeProto.newBuilder()
              .setName(name)
              .setType(OnnxMl.AttributeProto.AttributeType.FLOATS);
      for (float v : values) {
        a.addFloats(v);
      }
      n.addAttribute(a);
      return this;
    }

    /** Adds a tensor attribute (e.g. {@code ConstantOfShape}'s value). */
    public NodeBuilder attr(String name, OnnxMl.TensorProto value) {
      n.addAttribute(
          OnnxMl.AttributeProto.newBuilder()
              .setName(name)
              .setType(OnnxMl.AttributeProto.AttributeType.TENSOR)
              .setT(value));
      return this;
    }

    /**
     * Appends the node.
     *
     * @return its first output's name
     */
    public String add() {
      return addAll().get(0);
    }

    /** Appends the node; returns all its output names. */
    public List<String> addAll() {
      if (outs.isEmpty()) {
        outs.add(fresh(n.getOpType().toLowerCase(java.util.Locale.ROOT)));
      }
      for (String o : outs) {
        define(o);
        n.addOutput(o);
      }
      n.setName(fresh("n_" + n.getOpType()));
      graph.addNode(n);
      return List.copyOf(outs);
    }
  }

  // ---------------------------------------------------------------- common operators

  /** Adds a {@code Add} node; returns its output. */
  public String add(String a, String b) {
    return op("Add", a, b);
  }

  /** Adds a {@code Sub} node; returns its output. */
  public String sub(String a, String b) {
    return op("Sub", a, b);
  }

  /** Adds a {@code Mul} node; returns its output. */
  public String mul(String a, String b) {
    return op("Mul", a, b);
  }

  /** Adds a {@code Div} node; returns its output. */
  public String div(String a, String b) {
    return op("Div", a, b);
  }

  /** Adds a {@code Pow} node; returns its output. */
  public String pow(String a, String b) {
    return op("Pow", a, b);
  }

  /** Adds a {@code MatMul} node; returns its output. */
  public String matMul(String a, String b) {
    return op("MatMul", a, b);
  }

  /** {@code Gemm}: {@code alpha * A' * B' + beta * C}. */
  public String gemm(String a, String b, String c, boolean transA, boolean transB) {
    return node("Gemm")
        .inputs(a, b, c)
        .attr("transA", transA ? 1L : 0L)
        .attr("transB", transB ? 1L : 0L)
        .add();
  }

  /** Adds a {@code Neg} node; returns its output. */
  public String neg(String x) {
    return op("Neg", x);
  }

  /** Adds a {@code Sqrt} node; returns its output. */
  public String sqrt(String x) {
    return op("Sqrt", x);
  }

  /** Adds a {@code Reciprocal} node; returns its output. */
  public String reciprocal(String x) {
    return op("Reciprocal", x);
  }

  /** Adds a {@code Exp} node; returns its output. */
  public String exp(String x) {
    return op("Exp", x);
  }

  /** Adds a {@code Log} node; returns its output. */
  public String log(String x) {
    return op("Log", x);
  }

  /** Adds a {@code Cos} node; returns its output. */
  public String cos(String x) {
    return op("Cos", x);
  }

  /** Adds a {@code Sin} node; returns its output. */
  public String sin(String x) {
    return op("Sin", x);
  }

  /** Adds a {@code Tanh} node; returns its output. */
  public String tanh(String x) {
    return op("Tanh", x);
  }

  /** Adds a {@code Sigmoid} node; returns its output. */
  public String sigmoid(String x) {
    return op("Sigmoid", x);
  }

  /** Adds a {@code Relu} node; returns its output. */
  public String relu(String x) {
    return op("Relu", x);
  }

  /** Adds a {@code Identity} node; returns its output. */
  public String identity(String x) {
    return op("Identity", x);
  }

  /** Adds a {@code Softmax} node; returns its output. */
  public String softmax(String x, long axis) {
    return node("Softmax").inputs(x).attr("axis", axis).add();
  }

  /** Adds a {@code LogSoftmax} node; returns its output. */
  public String logSoftmax(String x, long axis) {
    return node("LogSoftmax").inputs(x).attr("axis", axis).add();
  }

  /** {@code Gather} along an axis. */
  public String gather(String data, String indices, long axis) {
    return node("Gather").inputs(data, indices).attr("axis", axis).add();
  }

  /** {@code Reshape} to a constant shape (0 copies the input's dimension, -1 is inferred). */
  public String reshape(String x, long... shape) {
    return op("Reshape", x, constantInts(shape));
  }

  /** {@code Reshape} to a shape given by a value. */
  public String reshapeTo(String x, String shape) {
    return op("Reshape", x, shape);
  }

  /** Adds a {@code Transpose} node; returns its output. */
  public String transpose(String x, long... perm) {
    return node("Transpose").inputs(x).attr("perm", perm).add();
  }

  /** Adds a {@code Concat} node; returns its output. */
  public String concat(long axis, String... xs) {
    return node("Concat").inputs(xs).attr("axis", axis).add();
  }

  /** Adds a {@code Unsqueeze} node; returns its output. */
  public String unsqueeze(String x, long... axes) {
    return op("Unsqueeze", x, constantInts(axes));
  }

  /** Adds a {@code Squeeze} node; returns its output. */
  public String squeeze(String x, long... axes) {
    return op("Squeeze", x, constantInts(axes));
  }

  /** Adds a {@code Cast} node; returns its output. */
  public String cast(String x, ElementType to) {
    return node("Cast").inputs(x).attr("to", (long) to.proto().getNumber()).add();
  }

  /** Adds a {@code Shape} node; returns its output. */
  public String shape(String x) {
    return op("Shape", x);
  }

  /** {@code Slice} with constant starts, ends and axes (steps 1). */
  public String slice(String x, long[] starts, long[] ends, long[] axes) {
    return op("Slice", x, constantInts(starts), constantInts(ends), constantInts(axes));
  }

  /** Adds a {@code Where} node; returns its output. */
  public String where(String condition, String a, String b) {
    return op("Where", condition, a, b);
  }

  /** Adds a {@code Equal} node; returns its output. */
  public String equal(String a, String b) {
    return op("Equal", a, b);
  }

  /** Adds a {@code Less} node; returns its output. */
  public String less(String a, String b) {
    return op("Less", a, b);
  }

  /** Adds a {@code LessOrEqual} node; returns its output. */
  public String lessOrEqual(String a, String b) {
    return op("LessOrEqual", a, b);
  }

  /** Adds a {@code Greater} node; returns its output. */
  public String greater(String a, String b) {
    return op("Greater", a, b);
  }

  /** {@code Range(start, limit, delta)} of scalars. */
  public String range(String start, String limit, String delta) {
    return op("Range", start, limit, delta);
  }

  /** Adds a {@code Expand} node; returns its output. */
  public String expand(String x, String shape) {
    return op("Expand", x, shape);
  }

  /**
   * {@code ReduceMean} over constant axes; axes are an attribute before opset 18, an input after.
   */
  public String reduceMean(String x, boolean keepDims, long... axes) {
    return reduce("ReduceMean", x, keepDims, axes);
  }

  /** {@code ReduceSum} over constant axes (axes are an input since opset 13). */
  public String reduceSum(String x, boolean keepDims, long... axes) {
    return node("ReduceSum")
        .inputs(x, constantInts(axes))
        .attr("keepdims", keepDims ? 1L : 0L)
        .add();
  }

  /** {@code ReduceMax} over constant axes; attribute before opset 18, input after. */
  public String reduceMax(String x, boolean keepDims, long... axes) {
    return reduce("ReduceMax", x, keepDims, axes);
  }

  private String reduce(String op, String x, boolean keepDims, long... axes) {
    if (opset >= 18) {
      return node(op).inputs(x, constantInts(axes)).attr("keepdims", keepDims ? 1L : 0L).add();
    }
    return node(op).inputs(x).attr("axes", axes).attr("keepdims", keepDims ? 1L : 0L).add();
  }

  /** {@code LayerNormalization} over the last axis (opset 17). */
  public String layerNorm(String x, String scale, String bias, float epsilon) {
    return node("LayerNormalization")
        .inputs(x, scale, bias)
        .attr("axis", -1L)
        .attr("epsilon", epsilon)
        .add();
  }

  /**
   * RMS normalisation over the last axis, built from primitive ops: {@code x / sqrt(mean(x^2) +
   * eps) * scale}.
   */
  public String rmsNorm(String x, String scale, float epsilon) {
    String ms = reduceMean(mul(x, x), true, -1);
    String denom = sqrt(add(ms, constant(epsilon)));
    return mul(div(x, denom), scale);
  }

  // ---------------------------------------------------------------- output

  /**
   * Builds the model.
   *
   * @throws IllegalStateException if the graph has no output
   */
  public OnnxMl.ModelProto build() {
    if (outputs.isEmpty()) {
      throw new IllegalStateException("graph '" + graphName + "' has no output");
    }
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName(producer)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(graph.build())
        .build();
  }

  /** The serialised model. */
  public byte[] toByteArray() {
    return build().toByteArray();
  }

  /** Writes the serialised model to a file. */
  public void save(Path file) throws IOException {
    AtomicFiles.writeBytes(file, toByteArray());
  }

  // ---------------------------------------------------------------- internals

  private void define(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("value names must not be empty");
    }
    if (!defined.add(name)) {
      throw new IllegalArgumentException("value '" + name + "' is already defined");
    }
  }

  private void requireDefined(String name) {
    if (!defined.contains(name)) {
      throw new IllegalArgumentException(
          "unknown value '" + name + "' (nodes must be added in topological order)");
    }
  }

  private static void checkCount(String name, int n, long[] shape) {
    if (count(shape) != n) {
      throw new IllegalArgumentException(
          "initializer '"
              + name
              + "': "
              + n
              + " values do not match shape "
              + Arrays.toString(shape));
    }
  }

  private static long count(long[] shape) {
    long c = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      c *= d;
    }
    return c;
  }

  private static OnnxMl.ValueInfoProto valueInfo(String name, ElementType type, Object... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (Object d : dims) {
      OnnxMl.TensorShapeProto.Dimension.Builder dim =
          OnnxMl.TensorShapeProto.Dimension.newBuilder();
      if (d instanceof Number) {
        dim.setDimValue(((Number) d).longValue());
      } else if (d instanceof String) {
        dim.setDimParam((String) d);
      } else if (d != null) {
        throw new IllegalArgumentException(
            "dimension of '" + name + "' must be a number or a symbolic name, was " + d.getClass());
      }
      shape.addDim(dim);
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(type.proto().getNumber())
                        .setShape(shape)))
        .build();
  }
}
