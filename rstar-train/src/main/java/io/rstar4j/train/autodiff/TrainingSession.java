package io.rstar4j.train.autodiff;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.SetOnce;
import io.rstar4j.core.model.ExecutionProvider;
import io.rstar4j.core.model.GraphSession;
import io.rstar4j.core.model.ProviderChoice;
import io.rstar4j.core.model.Tensor;
import io.rstar4j.core.onnx.ElementType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Runs a float {@link TrainingGraph} step after step in an ordinary ONNX Runtime session (a {@link
 * GraphSession}: CUDA when asked for and present, the CPU otherwise). The parameters and AdamW
 * moments live in two sets of direct tensors: each step reads one set and writes the other in
 * place, then the sets swap, so nothing is copied through the Java heap and a failed step leaves
 * the state as it was.
 *
 * <pre>{@code
 * try (TrainingSession s = TrainingSession.builder(step).weightDecay(0.01).build()) {
 *   for (Map<String, Tensor> b : batches) { // input_ids, attention_mask, labels, ...
 *     TrainingSession.StepResult r = s.step(b, schedule.rate(s.steps()));
 *   }
 *   ModelProto trained = s.withTrainedWeights(exportModel);
 * }
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class TrainingSession implements AutoCloseable {
  /**
   * What one step returned.
   *
   * @param loss the loss on the batch, before the update
   * @param gradNorm the global gradient norm before clipping
   * @param step the number of updates done, this one included
   * @param outputs the kept forward outputs ({@link TrainingGraphBuilder#keepOutputs}), flattened
   */
  public record StepResult(double loss, double gradNorm, long step, Map<String, float[]> outputs) {
    /**
     * @throws NullPointerException if outputs is null
     */
    public StepResult {
      outputs = Map.copyOf(outputs);
    }
  }

  /**
   * A copy of the training state: the number of updates done, the parameters and both AdamW
   * moments.
   *
   * @param steps updates done
   * @param parameters each parameter's values
   * @param moment1 each parameter's first moment
   * @param moment2 each parameter's second moment
   */
  public record State(
      long steps,
      Map<String, float[]> parameters,
      Map<String, float[]> moment1,
      Map<String, float[]> moment2) {
    /**
     * @throws IllegalArgumentException if steps is negative
     */
    public State {
      if (steps < 0) {
        throw new IllegalArgumentException("steps must be >= 0, was " + steps);
      }
      parameters = Map.copyOf(parameters);
      moment1 = Map.copyOf(moment1);
      moment2 = Map.copyOf(moment2);
    }
  }

  private final TrainingGraph graph;
  private final GraphSession session;
  private final List<TrainingGraph.Parameter> params;

  /** [set][param] = {p, m, v}. */
  private final Tensor[][][] sets;

  private int cur;
  private long steps;
  private final Tensor lr = Tensor.allocate(Tensor.Type.FLOAT);
  private final Tensor wd = Tensor.allocate(Tensor.Type.FLOAT);
  private final Tensor maxNorm = Tensor.allocate(Tensor.Type.FLOAT);
  private final Tensor stepNo = Tensor.allocate(Tensor.Type.INT64);
  private final Tensor loss = Tensor.allocate(Tensor.Type.FLOAT);
  private final Tensor gradNorm = Tensor.allocate(Tensor.Type.FLOAT);
  private final Map<String, TensorSpec> batchSpecs = new LinkedHashMap<>();
  private final double weightDecay;
  private final double maxGradNorm;
  private boolean closed;

  private TrainingSession(Builder b) {
    this.graph = b.graph;
    this.params = graph.parameters();
    this.weightDecay = b.weightDecay;
    this.maxGradNorm = b.maxGradNorm;
    for (TensorSpec s : graph.batchInputs()) {
      batchSpecs.put(s.name(), s);
    }
    sets = new Tensor[2][params.size()][3];
    for (int i = 0; i < params.size(); i++) {
      TrainingGraph.Parameter p = params.get(i);
      long[] shape = shape(p);
      for (int s = 0; s < 2; s++) {
        for (int k = 0; k < 3; k++) {
          sets[s][i][k] = Tensor.allocate(Tensor.Type.FLOAT, shape);
        }
      }
      ByteBuffer init = Tensors.littleEndianBytes(p.initial());
      floats(sets[0][i][0]).put(init.asFloatBuffer());
    }
    GraphSession.Builder gb = GraphSession.builder().provider(b.provider);
    if (b.threads > 0) {
      gb.intraOpThreads(b.threads);
    }
    this.session = gb.open(graph.model().toByteArray(), graph.model().getGraph().getName());
  }

  private static FloatBuffer floats(Tensor t) {
    return (FloatBuffer) t.writableBuffer();
  }

  /**
   * Starts a session over a float training graph.
   *
   * @throws IllegalArgumentException if the graph is not a float graph
   */
  public static Builder builder(TrainingGraph graph) {
    Objects.requireNonNull(graph, "graph");
    for (TrainingGraph.Parameter p : graph.parameters()) {
      if (p.spec().type() != ElementType.FLOAT) {
        throw new IllegalArgumentException(
            "a TrainingSession runs FLOAT training graphs; parameter '"
                + p.name()
                + "' is "
                + p.spec().type());
      }
    }
    return new Builder(graph);
  }

  /** Where the session runs. */
  public ExecutionProvider provider() {
    return session.provider();
  }

  /** The graph this session runs. */
  public TrainingGraph graph() {
    return graph;
  }

  /** The number of updates done. */
  public long steps() {
    return steps;
  }

  /**
   * One training step: loss and gradients on the batch, clipping, one AdamW update.
   *
   * @param batch the graph's {@link TrainingGraph#batchInputs() batch inputs} by name (direct
   *     tensors reach ONNX Runtime without a copy)
   * @param learningRate this step's learning rate (a schedule's value)
   * @throws IllegalArgumentException if the batch lacks an input, has one the graph does not, or a
   *     type or fixed dimension differs; if the rate is negative or not finite
   * @throws IllegalStateException if ONNX Runtime fails (the state is then unchanged) or the
   *     session is closed
   */
  public StepResult step(Map<String, Tensor> batch, double learningRate) {
    requireOpen();
    Checks.finiteNonNegative("learning rate", learningRate);
    Map<String, Tensor> in = new HashMap<>();
    for (Map.Entry<String, Tensor> e : batch.entrySet()) {
      TensorSpec spec = batchSpecs.get(e.getKey());
      if (spec == null) {
        throw new IllegalArgumentException(
            "the batch has '"
                + e.getKey()
                + "', which is not an input of the training graph "
                + batchSpecs.keySet());
      }
      checkShape(spec, e.getValue());
      in.put(e.getKey(), e.getValue());
    }
    for (String name : batchSpecs.keySet()) {
      if (!in.containsKey(name)) {
        throw new IllegalArgumentException("the batch lacks the input '" + name + "'");
      }
    }
    floats(lr).put(0, (float) learningRate);
    floats(wd).put(0, (float) weightDecay);
    floats(maxNorm).put(0, (float) maxGradNorm);
    ((LongBuffer) stepNo.writableBuffer()).put(0, steps + 1);
    in.put(TrainingGraph.LEARNING_RATE, lr);
    in.put(TrainingGraph.WEIGHT_DECAY, wd);
    in.put(TrainingGraph.STEP, stepNo);
    if (graph.clipping()) {
      in.put(TrainingGraph.MAX_GRAD_NORM, maxNorm);
    }
    Map<String, Tensor> out = new HashMap<>();
    out.put(graph.lossOutput(), loss);
    out.put(TrainingGraph.GRAD_NORM, gradNorm);
    int next = 1 - cur;
    for (int i = 0; i < params.size(); i++) {
      TrainingGraph.Parameter p = params.get(i);
      in.put(p.name(), sets[cur][i][0]);
      in.put(p.moment1Input(), sets[cur][i][1]);
      in.put(p.moment2Input(), sets[cur][i][2]);
      out.put(p.output(), sets[next][i][0]);
      out.put(p.moment1Output(), sets[next][i][1]);
      out.put(p.moment2Output(), sets[next][i][2]);
    }
    Map<String, Tensor> fetched = session.run(in, new LinkedHashSet<>(graph.extraOutputs()), out);
    Map<String, float[]> extras = new LinkedHashMap<>();
    fetched.forEach((k, v) -> extras.put(k, v.toFloatArray()));
    cur = next;
    steps++;
    return new StepResult(floats(loss).get(0), floats(gradNorm).get(0), steps, extras);
  }

  private static long[] shape(TrainingGraph.Parameter p) {
    long[] s = new long[p.spec().shape().size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = p.spec().shape().get(i);
    }
    return s;
  }

  private static void checkShape(TensorSpec spec, Tensor t) {
    if (!spec.type().name().equals(t.type().name())) {
      throw new IllegalArgumentException(
          "batch input '" + spec.name() + "' must be " + spec.type() + ", is " + t.type());
    }
    long[] shape = t.shape();
    if (spec.shape().size() != shape.length) {
      throw new IllegalArgumentException(
          "batch input '"
              + spec.name()
              + "' must have rank "
              + spec.shape().size()
              + ", has shape "
              + Arrays.toString(shape));
    }
    for (int i = 0; i < shape.length; i++) {
      long want = spec.shape().get(i);
      if (want >= 0 && want != shape[i]) {
        throw new IllegalArgumentException(
            "batch input '"
                + spec.name()
                + "' must have dimension "
                + i
                + " of "
                + want
                + ", has shape "
                + Arrays.toString(shape));
      }
    }
  }

  private int index(String name) {
    for (int i = 0; i < params.size(); i++) {
      if (params.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("'" + name + "' is not a trained parameter");
  }

  private static float[] copy(Tensor t) {
    return t.toFloatArray();
  }

  /**
   * A copy of a parameter's current values.
   *
   * @throws IllegalArgumentException if it is not a trained parameter
   */
  public float[] parameter(String name) {
    requireOpen();
    return copy(sets[cur][index(name)][0]);
  }

  /** A copy of the whole state (for a checkpoint). */
  public State state() {
    requireOpen();
    Map<String, float[]> p = new LinkedHashMap<>();
    Map<String, float[]> m = new LinkedHashMap<>();
    Map<String, float[]> v = new LinkedHashMap<>();
    for (int i = 0; i < params.size(); i++) {
      String n = params.get(i).name();
      p.put(n, copy(sets[cur][i][0]));
      m.put(n, copy(sets[cur][i][1]));
      v.put(n, copy(sets[cur][i][2]));
    }
    return new State(steps, p, m, v);
  }

  /**
   * Replaces the state (resuming from a checkpoint).
   *
   * @throws IllegalArgumentException if a parameter is missing or has the wrong size
   */
  public void restore(State s) {
    requireOpen();
    for (int k = 0; k < 3; k++) {
      Map<String, float[]> src = k == 0 ? s.parameters() : k == 1 ? s.moment1() : s.moment2();
      for (int i = 0; i < params.size(); i++) {
        float[] a = src.get(params.get(i).name());
        if (a == null || a.length != params.get(i).spec().elementCount()) {
          throw new IllegalArgumentException(
              "state has "
                  + (a == null ? "no" : "a wrong-sized")
                  + " entry for '"
                  + params.get(i).name()
                  + "'");
        }
      }
    }
    for (int i = 0; i < params.size(); i++) {
      String n = params.get(i).name();
      floats(sets[cur][i][0]).put(s.parameters().get(n));
      floats(sets[cur][i][1]).put(s.moment1().get(n));
      floats(sets[cur][i][2]).put(s.moment2().get(n));
    }
    steps = s.steps();
  }

  /**
   * The model with the trained values in place of its initializers of the same names (for an
   * export: the forward model without the loss does as well as the one with it).
   *
   * @throws IllegalArgumentException if the model lacks a trained parameter or its shape differs
   */
  public OnnxMl.ModelProto withTrainedWeights(OnnxMl.ModelProto model) {
    requireOpen();
    Map<String, Integer> want = new HashMap<>();
    for (int i = 0; i < params.size(); i++) {
      want.put(params.get(i).name(), i);
    }
    OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder();
    Set<String> done = new LinkedHashSet<>();
    for (int k = 0; k < g.getInitializerCount(); k++) {
      OnnxMl.TensorProto t = g.getInitializer(k);
      Integer i = want.get(t.getName());
      if (i == null) {
        continue;
      }
      if (!t.getDimsList().equals(params.get(i).spec().shape())
          || t.getDataType() != DataType.FLOAT_VALUE) {
        throw new IllegalArgumentException(
            "initializer '" + t.getName() + "' of the model differs in type or shape");
      }
      ByteBuffer le =
          ByteBuffer.allocate(sets[cur][i][0].size() * 4).order(ByteOrder.LITTLE_ENDIAN);
      le.asFloatBuffer().put(floats(sets[cur][i][0]));
      g.setInitializer(
          k, t.toBuilder().clearFloatData().setRawData(ByteString.copyFrom(le.array())).build());
      done.add(t.getName());
    }
    for (String n : want.keySet()) {
      if (!done.contains(n)) {
        throw new IllegalArgumentException("the model has no initializer '" + n + "'");
      }
    }
    return model.toBuilder().setGraph(g).build();
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the training session is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      session.close();
    }
  }

  /** Options of a {@link TrainingSession}. */
  public static final class Builder {
    private final TrainingGraph graph;
    private final SetOnce set = new SetOnce();
    private double weightDecay;
    private double maxGradNorm = 1.0;
    private int threads;
    private ProviderChoice provider = ProviderChoice.AUTO;

    private Builder(TrainingGraph graph) {
      this.graph = graph;
    }

    /**
     * Decoupled weight decay (0 by default).
     *
     * @throws IllegalStateException if set before
     * @throws IllegalArgumentException if negative or not finite
     */
    public Builder weightDecay(double v) {
      set.mark("weight decay");
      this.weightDecay = Checks.finiteNonNegative("weight decay", v);
      return this;
    }

    /**
     * The gradient clipping norm (1.0 by default, as Hugging Face's Trainer).
     *
     * @throws IllegalStateException if set before, or the graph does not clip
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxGradNorm(double v) {
      set.mark("max grad norm");
      if (!graph.clipping()) {
        throw new IllegalStateException("the training graph was built without gradient clipping");
      }
      if (!(v > 0)) {
        throw new IllegalArgumentException("max grad norm must be > 0, was " + v);
      }
      this.maxGradNorm = v;
      return this;
    }

    /**
     * ONNX Runtime's intra-op threads (0, the default, lets it choose).
     *
     * @throws IllegalStateException if set before
     * @throws IllegalArgumentException if negative
     */
    public Builder intraOpThreads(int n) {
      set.mark("intra-op threads");
      this.threads = Checks.atLeast("intra-op threads", n, 0);
      return this;
    }

    /**
     * Where to run: {@link ProviderChoice#AUTO} (the default) tries CUDA and falls back to the CPU
     * with one log line.
     *
     * @throws IllegalStateException if set before
     */
    public Builder provider(ProviderChoice choice) {
      set.mark("provider");
      this.provider = Objects.requireNonNull(choice, "choice");
      return this;
    }

    /**
     * Opens the session (loads the graph into ONNX Runtime).
     *
     * @throws IllegalArgumentException if ONNX Runtime cannot load the graph
     */
    public TrainingSession build() {
      return new TrainingSession(this);
    }
  }
}
