package io.rstar4j.train.autodiff;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.SetOnce;
import io.rstar4j.core.onnx.ElementType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Runs a float {@link TrainingGraph} step after step in an ordinary ONNX Runtime session. The
 * parameters and AdamW moments live in two sets of direct buffers: each step reads one set and
 * writes the other in place (pinned outputs), then the sets swap, so nothing is copied on the Java
 * side and a failed step leaves the state as it was.
 *
 * <pre>{@code
 * try (TrainingSession s = TrainingSession.builder(step).weightDecay(0.01).build()) {
 *   for (Batch b : batches) {
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
  private final OrtStep runner;
  private final List<TrainingGraph.Parameter> params;

  /** [set][param] = {p, m, v}. */
  private final ByteBuffer[][][] sets;

  private int cur;
  private long steps;
  private final ByteBuffer lr = scalar(4);
  private final ByteBuffer wd = scalar(4);
  private final ByteBuffer maxNorm = scalar(4);
  private final ByteBuffer stepNo = scalar(8);
  private final ByteBuffer loss = scalar(4);
  private final ByteBuffer gradNorm = scalar(4);
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
    sets = new ByteBuffer[2][params.size()][3];
    for (int i = 0; i < params.size(); i++) {
      TrainingGraph.Parameter p = params.get(i);
      long n = p.spec().elementCount();
      if (n * 4 > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("parameter '" + p.name() + "' is too large (>2 GB)");
      }
      for (int s = 0; s < 2; s++) {
        for (int k = 0; k < 3; k++) {
          sets[s][i][k] = ByteBuffer.allocateDirect((int) n * 4).order(ByteOrder.nativeOrder());
        }
      }
      ByteBuffer init = Tensors.littleEndianBytes(p.initial());
      sets[0][i][0].asFloatBuffer().put(init.asFloatBuffer());
    }
    this.runner =
        new OrtStep(graph.model().toByteArray(), b.threads, b.cuda, b.optimise, b.optimisedModel);
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

  private static ByteBuffer scalar(int bytes) {
    return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
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
   * @param learningRate this step's learning rate (a schedule's value)
   * @throws IllegalArgumentException if the batch lacks an input, has one the graph does not, or a
   *     fixed dimension differs; if the rate is negative or not finite
   * @throws IllegalStateException if ONNX Runtime fails (the state is then unchanged) or the
   *     session is closed
   */
  public StepResult step(Batch batch, double learningRate) {
    requireOpen();
    Checks.finiteNonNegative("learning rate", learningRate);
    Map<String, OrtStep.Buf> in = new HashMap<>();
    for (Map.Entry<String, Batch.Tensor> e : batch.tensors().entrySet()) {
      TensorSpec spec = batchSpecs.get(e.getKey());
      if (spec == null) {
        throw new IllegalArgumentException(
            "the batch has '"
                + e.getKey()
                + "', which is not an input of the training graph "
                + batchSpecs.keySet());
      }
      Batch.Tensor t = e.getValue();
      checkShape(spec, t);
      in.put(e.getKey(), new OrtStep.Buf(t.data(), t.shape(), t.type()));
    }
    for (String name : batchSpecs.keySet()) {
      if (!in.containsKey(name)) {
        throw new IllegalArgumentException("the batch lacks the input '" + name + "'");
      }
    }
    lr.putFloat(0, (float) learningRate);
    wd.putFloat(0, (float) weightDecay);
    maxNorm.putFloat(0, (float) maxGradNorm);
    stepNo.putLong(0, steps + 1);
    Map<String, OrtStep.Buf> state = new HashMap<>();
    state.put(TrainingGraph.LEARNING_RATE, new OrtStep.Buf(lr, new long[0], ElementType.FLOAT));
    state.put(TrainingGraph.WEIGHT_DECAY, new OrtStep.Buf(wd, new long[0], ElementType.FLOAT));
    state.put(TrainingGraph.STEP, new OrtStep.Buf(stepNo, new long[0], ElementType.INT64));
    if (graph.clipping()) {
      state.put(
          TrainingGraph.MAX_GRAD_NORM, new OrtStep.Buf(maxNorm, new long[0], ElementType.FLOAT));
    }
    Map<String, OrtStep.Buf> out = new HashMap<>();
    out.put(graph.lossOutput(), new OrtStep.Buf(loss, new long[0], ElementType.FLOAT));
    out.put(TrainingGraph.GRAD_NORM, new OrtStep.Buf(gradNorm, new long[0], ElementType.FLOAT));
    int next = 1 - cur;
    for (int i = 0; i < params.size(); i++) {
      TrainingGraph.Parameter p = params.get(i);
      long[] shape = shape(p);
      state.put(p.name(), new OrtStep.Buf(sets[cur][i][0], shape, ElementType.FLOAT));
      state.put(p.moment1Input(), new OrtStep.Buf(sets[cur][i][1], shape, ElementType.FLOAT));
      state.put(p.moment2Input(), new OrtStep.Buf(sets[cur][i][2], shape, ElementType.FLOAT));
      out.put(p.output(), new OrtStep.Buf(sets[next][i][0], shape, ElementType.FLOAT));
      out.put(p.moment1Output(), new OrtStep.Buf(sets[next][i][1], shape, ElementType.FLOAT));
      out.put(p.moment2Output(), new OrtStep.Buf(sets[next][i][2], shape, ElementType.FLOAT));
    }
    Map<String, float[]> fetched =
        runner.run(state, in, out, new LinkedHashSet<>(graph.extraOutputs()));
    cur = next;
    steps++;
    return new StepResult(loss.getFloat(0), gradNorm.getFloat(0), steps, fetched);
  }

  private static long[] shape(TrainingGraph.Parameter p) {
    long[] s = new long[p.spec().shape().size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = p.spec().shape().get(i);
    }
    return s;
  }

  private static void checkShape(TensorSpec spec, Batch.Tensor t) {
    if (spec.type() != t.type()) {
      throw new IllegalArgumentException(
          "batch input '" + spec.name() + "' must be " + spec.type() + ", is " + t.type());
    }
    if (spec.shape().size() != t.shape().length) {
      throw new IllegalArgumentException(
          "batch input '"
              + spec.name()
              + "' must have rank "
              + spec.shape().size()
              + ", has shape "
              + Arrays.toString(t.shape()));
    }
    for (int i = 0; i < t.shape().length; i++) {
      long want = spec.shape().get(i);
      if (want >= 0 && want != t.shape()[i]) {
        throw new IllegalArgumentException(
            "batch input '"
                + spec.name()
                + "' must have dimension "
                + i
                + " of "
                + want
                + ", has shape "
                + Arrays.toString(t.shape()));
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

  private static float[] copy(ByteBuffer b) {
    FloatBuffer f = b.duplicate().order(b.order()).asFloatBuffer();
    float[] a = new float[f.remaining()];
    f.get(a);
    return a;
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
      sets[cur][i][0].asFloatBuffer().put(s.parameters().get(n));
      sets[cur][i][1].asFloatBuffer().put(s.moment1().get(n));
      sets[cur][i][2].asFloatBuffer().put(s.moment2().get(n));
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
          ByteBuffer.allocate(sets[cur][i][0].capacity()).order(ByteOrder.LITTLE_ENDIAN);
      le.asFloatBuffer()
          .put(sets[cur][i][0].duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer());
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
      runner.close();
    }
  }

  /** Options of a {@link TrainingSession}. */
  public static final class Builder {
    private final TrainingGraph graph;
    private final SetOnce set = new SetOnce();
    private double weightDecay;
    private double maxGradNorm = 1.0;
    private int threads;
    private boolean cuda;
    private boolean optimise = true;
    private Path optimisedModel;

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
     * Runs on the CUDA execution provider when it loads (CPU otherwise, with a warning).
     *
     * @throws IllegalStateException if set before
     */
    public Builder cuda(boolean on) {
      set.mark("cuda");
      this.cuda = on;
      return this;
    }

    /** Graph optimisation off (tests compare both) and the optimised graph written to a file. */
    Builder optimisation(boolean on, Path optimisedModelFile) {
      this.optimise = on;
      this.optimisedModel = optimisedModelFile;
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
