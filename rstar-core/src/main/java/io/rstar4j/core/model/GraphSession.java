package io.rstar4j.core.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.OnnxRuntimeCheck;
import io.rstar4j.core.internal.SetOnce;
import java.io.IOException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Any ONNX graph in an ONNX Runtime session, fed and read with plain-Java {@link Tensor}s, so that
 * code outside the model runtime (training graphs, encoders used as backbones) runs graphs without
 * touching ONNX Runtime's types. Sessions open through the same factory as {@link CausalLm}, with a
 * typed {@link ProviderChoice}: {@link ProviderChoice#AUTO} tries CUDA and falls back to the CPU
 * with one log line.
 *
 * <pre>{@code
 * try (GraphSession g = GraphSession.builder().provider(ProviderChoice.CPU).open(modelBytes)) {
 *   Map<String, Tensor> out = g.run(Map.of("x", Tensor.of(new float[] {1, 2}, 2)));
 *   float[] y = out.get("y").toFloatArray();
 * }
 * }</pre>
 *
 * <p>Inputs that are views over direct buffers ({@link Tensor#wrap(FloatBuffer, long...)}, {@link
 * Tensor#allocate(Tensor.Type, long...)}) reach ONNX Runtime without a copy, and {@link #run(Map,
 * Set, Map)} writes outputs straight into direct tensors: a training step can keep its parameters
 * and optimizer state in two sets of direct tensors and swap them every step, copying nothing
 * through the Java heap. Thread-safe: runs may overlap.
 */
public final class GraphSession implements AutoCloseable {
  private final String name;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final ExecutionProvider provider;
  private final Map<String, Port> inputs;
  private final Map<String, Port> outputs;
  private volatile boolean closed;

  /**
   * The element type and shape of a graph input or output.
   *
   * @param type the element type; null when it is none of {@link Tensor.Type} (such a port cannot
   *     be fed or read through this class)
   * @param shape the dimensions, {@code -1} where the graph leaves one symbolic
   */
  public record Port(Tensor.Type type, long[] shape) {
    /** Copies the shape. */
    public Port {
      shape = shape.clone();
    }

    /** The dimensions (a copy). */
    @Override
    public long[] shape() {
      return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Port p && type == p.type && Arrays.equals(shape, p.shape);
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(type) * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
      return "Port[" + type + " " + Arrays.toString(shape) + "]";
    }
  }

  private GraphSession(String name, OrtEnvironment env, OnnxSessions.Opened opened)
      throws OrtException {
    this.name = name;
    this.env = env;
    this.session = opened.session();
    this.provider = opened.provider();
    this.inputs = ports(session.getInputInfo());
    this.outputs = ports(session.getOutputInfo());
  }

  /**
   * A builder: provider {@link ProviderChoice#AUTO}, CUDA device 0, default threads.
   *
   * @throws IllegalStateException if ONNX Runtime is not on the class path (the message names the
   *     artifacts to add: {@code com.microsoft.onnxruntime:onnxruntime} or {@code onnxruntime_gpu})
   */
  public static Builder builder() {
    OnnxRuntimeCheck.require("GraphSession");
    return new Builder();
  }

  /** Where the session runs. */
  public ExecutionProvider provider() {
    return provider;
  }

  /** The graph's inputs in graph order. */
  public Map<String, Port> inputs() {
    return inputs;
  }

  /** The graph's outputs in graph order. */
  public Map<String, Port> outputs() {
    return outputs;
  }

  /**
   * Runs the graph and returns every output, copied out of ONNX Runtime.
   *
   * @throws IllegalArgumentException if an input is missing or not in the graph
   * @throws IllegalStateException if the session is closed or ONNX Runtime fails
   */
  public Map<String, Tensor> run(Map<String, Tensor> inputs) {
    return run(inputs, outputs.keySet(), Map.of());
  }

  /**
   * Runs the graph and returns the named outputs, copied out of ONNX Runtime.
   *
   * @throws IllegalArgumentException if an input is missing or not in the graph, or an output is
   *     not in the graph
   * @throws IllegalStateException if the session is closed or ONNX Runtime fails
   */
  public Map<String, Tensor> run(Map<String, Tensor> inputs, Set<String> outputs) {
    return run(inputs, outputs, Map.of());
  }

  /**
   * Runs the graph, writing the outputs named in {@code into} straight into those tensors (no copy)
   * and returning the outputs named in {@code copied}, copied out of ONNX Runtime.
   *
   * @param into outputs to write in place: direct tensors ({@link Tensor#allocate(Tensor.Type,
   *     long...)} or views over direct buffers) of the output's type and exact shape
   * @throws IllegalArgumentException if an input is missing or not in the graph, an output is not
   *     in the graph or named twice, or a tensor of {@code into} is not direct
   * @throws IllegalStateException if the session is closed or ONNX Runtime fails
   */
  public Map<String, Tensor> run(
      Map<String, Tensor> inputs, Set<String> copied, Map<String, Tensor> into) {
    Objects.requireNonNull(inputs, "inputs");
    Objects.requireNonNull(copied, "copied");
    Objects.requireNonNull(into, "into");
    if (closed) {
      throw new IllegalStateException(name + ": the session is closed");
    }
    for (String in : this.inputs.keySet()) {
      if (!inputs.containsKey(in)) {
        throw new IllegalArgumentException(
            name + ": input '" + in + "' is missing (inputs: " + this.inputs.keySet() + ")");
      }
    }
    for (String in : inputs.keySet()) {
      if (!this.inputs.containsKey(in)) {
        throw new IllegalArgumentException(
            name + ": the graph has no input '" + in + "' (inputs: " + this.inputs.keySet() + ")");
      }
    }
    for (String out : copied) {
      checkOutput(out);
    }
    for (Map.Entry<String, Tensor> e : into.entrySet()) {
      checkOutput(e.getKey());
      if (copied.contains(e.getKey())) {
        throw new IllegalArgumentException(
            name + ": output '" + e.getKey() + "' is asked for both copied and in place");
      }
      if (!e.getValue().isDirect()) {
        throw new IllegalArgumentException(
            name
                + ": output '"
                + e.getKey()
                + "' can be written in place only into a direct tensor (Tensor.allocate)");
      }
    }
    List<OnnxTensor> made = new ArrayList<>(inputs.size() + into.size());
    try {
      Map<String, OnnxTensor> in = new LinkedHashMap<>();
      for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
        OnnxTensor t = toOrt(e.getValue());
        made.add(t);
        in.put(e.getKey(), t);
      }
      Map<String, OnnxTensor> pinned = new LinkedHashMap<>();
      for (Map.Entry<String, Tensor> e : into.entrySet()) {
        OnnxTensor t = toOrt(e.getValue());
        made.add(t);
        pinned.put(e.getKey(), t);
      }
      Map<String, Tensor> result = new LinkedHashMap<>();
      try (OrtSession.Result r = session.run(in, copied, pinned)) {
        for (String out : copied) {
          result.put(out, fromOrt(out, r.get(out).orElseThrow()));
        }
      }
      return Collections.unmodifiableMap(result);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) { // OrtException, not named: this class must link without ONNX Runtime
      throw new IllegalStateException(
          name + ": ONNX Runtime failed running the graph: " + e.getMessage(), e);
    } finally {
      for (OnnxTensor t : made) {
        t.close();
      }
    }
  }

  private void checkOutput(String out) {
    if (!outputs.containsKey(out)) {
      throw new IllegalArgumentException(
          name + ": the graph has no output '" + out + "' (outputs: " + outputs.keySet() + ")");
    }
  }

  /** Releases the session. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      try {
        session.close();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) { // OrtException, not named: this class must link without ONNX Runtime
        throw new IllegalStateException(
            name + ": closing the session failed: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public String toString() {
    return "GraphSession[" + name + " on " + provider + "]";
  }

  // ---------------------------------------------------------------- conversions

  private OnnxTensor toOrt(Tensor t) throws OrtException {
    Buffer b = t.buffer();
    long[] shape = t.shapeUnsafe();
    return switch (t.type()) {
      case FLOAT -> OnnxTensor.createTensor(env, (FloatBuffer) b, shape);
      case DOUBLE -> OnnxTensor.createTensor(env, (DoubleBuffer) b, shape);
      case INT32 -> OnnxTensor.createTensor(env, (IntBuffer) b, shape);
      case INT64 -> OnnxTensor.createTensor(env, (LongBuffer) b, shape);
      case BOOL -> OnnxTensor.createTensor(env, (ByteBuffer) b, shape, OnnxJavaType.BOOL);
    };
  }

  private Tensor fromOrt(String out, OnnxValue v) throws OrtException {
    if (!(v instanceof OnnxTensor t)) {
      throw new IllegalStateException(name + ": output '" + out + "' is not a tensor");
    }
    TensorInfo info = t.getInfo();
    Tensor.Type type = type(info.type);
    if (type == null) {
      throw new IllegalStateException(
          name + ": output '" + out + "' holds " + info.type + ", which Tensor cannot hold");
    }
    long[] shape = info.getShape();
    Buffer data =
        switch (type) {
          case FLOAT -> t.getFloatBuffer();
          case DOUBLE -> t.getDoubleBuffer();
          case INT32 -> t.getIntBuffer();
          case INT64 -> t.getLongBuffer();
          case BOOL -> t.getByteBuffer();
        };
    return Tensor.adopt(type, shape, data);
  }

  private static Tensor.Type type(OnnxJavaType t) {
    return switch (t) {
      case FLOAT -> Tensor.Type.FLOAT;
      case DOUBLE -> Tensor.Type.DOUBLE;
      case INT32 -> Tensor.Type.INT32;
      case INT64 -> Tensor.Type.INT64;
      case BOOL -> Tensor.Type.BOOL;
      default -> null;
    };
  }

  private static Map<String, Port> ports(Map<String, NodeInfo> info) {
    Map<String, Port> out = new LinkedHashMap<>();
    for (Map.Entry<String, NodeInfo> e : info.entrySet()) {
      if (e.getValue().getInfo() instanceof TensorInfo ti) {
        out.put(e.getKey(), new Port(type(ti.type), ti.getShape()));
      } else {
        out.put(e.getKey(), new Port(null, new long[0]));
      }
    }
    return Collections.unmodifiableMap(out);
  }

  // ---------------------------------------------------------------- builder

  /**
   * Options for opening a graph; every setter validates at once and may be called once ("provider
   * was already set").
   */
  public static final class Builder {
    private final SetOnce set = new SetOnce();
    private ProviderChoice provider = ProviderChoice.AUTO;
    private int cudaDevice;
    private int intraOpThreads;

    private Builder() {}

    /**
     * Which execution provider to use (default {@link ProviderChoice#AUTO}).
     *
     * @throws NullPointerException if {@code choice} is null
     * @throws IllegalStateException if already set
     */
    public Builder provider(ProviderChoice choice) {
      set.mark("provider");
      provider = Objects.requireNonNull(choice, "choice");
      return this;
    }

    /**
     * The CUDA device id (default 0).
     *
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder cudaDevice(int device) {
      set.mark("cudaDevice");
      cudaDevice = Checks.atLeast("CUDA device", device, 0);
      return this;
    }

    /**
     * Threads for one operator (0: ONNX Runtime's default).
     *
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder intraOpThreads(int threads) {
      set.mark("intraOpThreads");
      intraOpThreads = Checks.atLeast("intra-op threads", threads, 0);
      return this;
    }

    /**
     * Opens a model file.
     *
     * @throws IOException if the file is missing or unreadable
     * @throws IllegalArgumentException if ONNX Runtime cannot load it
     * @throws IllegalStateException if ONNX Runtime is missing, or CUDA was required and is not
     *     usable
     */
    public GraphSession open(Path model) throws IOException {
      Objects.requireNonNull(model, "model");
      if (!Files.isRegularFile(model)) {
        throw new NoSuchFileException(model.toString(), null, "ONNX model file does not exist");
      }
      String p = model.toString();
      return open((env, so) -> env.createSession(p, so), p);
    }

    /**
     * Opens a model held in memory (a serialized {@code ModelProto}).
     *
     * @param name names the graph in log lines and errors
     * @throws IllegalArgumentException if ONNX Runtime cannot load it
     * @throws IllegalStateException if ONNX Runtime is missing, or CUDA was required and is not
     *     usable
     */
    public GraphSession open(byte[] model, String name) {
      Objects.requireNonNull(model, "model");
      Checks.nonBlank("name", name);
      byte[] bytes = model.clone();
      return open((env, so) -> env.createSession(bytes, so), name);
    }

    private GraphSession open(OnnxSessions.Source source, String name) {
      OrtEnvironment env = OnnxSessions.environment();
      SessionSettings s = new SessionSettings(provider, cudaDevice, intraOpThreads, true);
      OnnxSessions.Opened opened;
      try {
        opened = OnnxSessions.open(env, source, name, s);
      } catch (OrtException e) {
        throw new IllegalArgumentException(
            name + " could not be loaded by ONNX Runtime: " + e.getMessage(), e);
      }
      try {
        return new GraphSession(name, env, opened);
      } catch (OrtException | RuntimeException e) {
        try {
          opened.session().close();
        } catch (OrtException ignored) {
          // already failing
        }
        throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
      }
    }
  }
}
