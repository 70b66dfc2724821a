package io.rstar4j.train.autodiff;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.SetOnce;
import io.rstar4j.core.onnx.ElementType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds a training-step graph ({@link TrainingGraph}) or a gradient graph ({@link GradientGraph})
 * from a forward model: reverse-mode gradients over the model's own operators, written in standard
 * ONNX operators only, so that the inference builds of ONNX Runtime can train.
 *
 * <pre>{@code
 * ModelProto withLoss = Losses.tokenCrossEntropy(TinyQwen2.model(config), "logits");
 * TrainingGraph step =
 *     TrainingGraphBuilder.forModel(withLoss)
 *         .trainable(names)
 *         .loss(Losses.LOSS)
 *         .withoutPastKeyValues()
 *         .build();
 * }</pre>
 *
 * <p>Gradients exist for Add, Sub, Mul, Div, Pow, Sum, Max, Min, Where, Expand (all with
 * broadcasting), Clip, MatMul (batched, broadcast, vectors), Gemm, Neg, Sqrt, Reciprocal, Exp, Log,
 * Abs, Sin, Cos, Sigmoid, Tanh, Relu, LeakyRelu, Softplus, Erf, Identity, Cast, CastLike, Dropout,
 * Softmax, LogSoftmax, ReduceSum, ReduceMean, ReduceSumSquare, Reshape, Flatten, Squeeze,
 * Unsqueeze, Transpose, Slice (steps 1), Concat, Split, Gather, GatherElements, LayerNormalization
 * and SimplifiedLayerNormalization. Shape, Size, Range, comparisons, ConstantOfShape and the like
 * carry no gradient; operators that only compute masks or shapes need no rule. An operator without
 * a rule between the parameters and the loss is an error naming it and its node.
 *
 * <p>Forward models of opset 13 to 16 are raised to opset 17 (the operators' meanings do not change
 * between them); the backward nodes follow the model's opset from there.
 */
public final class TrainingGraphBuilder {
  private final OnnxMl.ModelProto model;
  private final SetOnce set = new SetOnce();
  private final List<String> trainable = new ArrayList<>();
  private final Set<String> noDecay = new HashSet<>();
  private final Map<String, Integer> zeroLength = new LinkedHashMap<>();
  private final List<String> keep = new ArrayList<>();
  private String loss;
  private double beta1 = 0.9;
  private double beta2 = 0.999;
  private double epsilon = 1e-8;
  private boolean clipping = true;
  private boolean dropPast;
  private boolean forgetDims;

  private TrainingGraphBuilder(OnnxMl.ModelProto model) {
    this.model = model;
  }

  /**
   * Starts from a forward model (its loss included, or appended with {@link Losses}).
   *
   * @throws NullPointerException if the model is null
   */
  public static TrainingGraphBuilder forModel(OnnxMl.ModelProto model) {
    return new TrainingGraphBuilder(Objects.requireNonNull(model, "model"));
  }

  /**
   * The initializers to train (float or double, all of one type); every other initializer stays a
   * constant of the graph.
   *
   * @throws IllegalStateException if set before
   * @throws IllegalArgumentException if empty, repeated, or not a float initializer of the model
   */
  public TrainingGraphBuilder trainable(Collection<String> initializers) {
    set.mark("trainable initializers");
    if (initializers.isEmpty()) {
      throw new IllegalArgumentException("trainable initializers must not be empty");
    }
    Map<String, OnnxMl.TensorProto> inits = new HashMap<>();
    for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
      inits.put(t.getName(), t);
    }
    Set<String> seen = new LinkedHashSet<>();
    int type = -1;
    for (String n : initializers) {
      Objects.requireNonNull(n, "initializer name");
      if (!seen.add(n)) {
        throw new IllegalArgumentException("trainable initializer '" + n + "' was given twice");
      }
      OnnxMl.TensorProto t = inits.get(n);
      if (t == null) {
        throw new IllegalArgumentException(
            "'" + n + "' is not an initializer of the model; only initializers can be trained");
      }
      int dt = t.getDataType();
      if (dt != DataType.FLOAT_VALUE && dt != DataType.DOUBLE_VALUE) {
        throw new IllegalArgumentException(
            "parameter '"
                + n
                + "' is "
                + ValueType.typeName(dt)
                + "; only FLOAT (or DOUBLE) initializers can be trained"
                + (dt == DataType.INT8_VALUE || dt == DataType.UINT8_VALUE
                    ? " (a quantized model can only train what sits on top of it)"
                    : ""));
      }
      if (type >= 0 && dt != type) {
        throw new IllegalArgumentException(
            "trainable initializers mix "
                + ValueType.typeName(type)
                + " and "
                + ValueType.typeName(dt)
                + " ('"
                + n
                + "')");
      }
      type = dt;
    }
    trainable.addAll(seen);
    return this;
  }

  /**
   * The scalar loss value (a graph output or any value of the model).
   *
   * @throws IllegalStateException if set before
   * @throws IllegalArgumentException if the model has no such value
   */
  public TrainingGraphBuilder loss(String value) {
    set.mark("loss");
    requireValue(value, "loss");
    this.loss = value;
    return this;
  }

  /**
   * AdamW's constants (PyTorch's defaults 0.9, 0.999, 1e-8 otherwise).
   *
   * @throws IllegalStateException if set before
   * @throws IllegalArgumentException if a beta is outside [0, 1) or epsilon is not positive
   */
  public TrainingGraphBuilder adamW(double beta1, double beta2, double epsilon) {
    set.mark("AdamW constants");
    Checks.inRange("beta1", beta1, 0, Math.nextDown(1.0));
    Checks.inRange("beta2", beta2, 0, Math.nextDown(1.0));
    Checks.finitePositive("epsilon", epsilon);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    return this;
  }

  /**
   * Whether the step clips the gradients by their global norm (on by default; the maximum norm is
   * then the {@link TrainingGraph#MAX_GRAD_NORM} input).
   *
   * @throws IllegalStateException if set before
   */
  public TrainingGraphBuilder clipGradNorm(boolean on) {
    set.mark("gradient clipping");
    this.clipping = on;
    return this;
  }

  /**
   * Parameters that weight decay leaves alone (biases and norm scales, say); by default it applies
   * to every parameter, as {@code torch.optim.AdamW} over all parameters does.
   *
   * @throws IllegalStateException if set before
   */
  public TrainingGraphBuilder noWeightDecay(Collection<String> parameters) {
    set.mark("weight-decay exemptions");
    noDecay.addAll(parameters);
    return this;
  }

  /**
   * Replaces a graph input by an empty tensor whose dimension {@code axis} is 0 (the others as
   * declared; a symbolic one is taken from another input with the same dimension name).
   *
   * @throws IllegalArgumentException if the model has no such input or given twice
   */
  public TrainingGraphBuilder zeroLengthInput(String input, int axis) {
    if (zeroLength.containsKey(input)) {
      throw new IllegalArgumentException("zero-length input '" + input + "' was already given");
    }
    boolean found = false;
    for (OnnxMl.ValueInfoProto i : model.getGraph().getInputList()) {
      found |= i.getName().equals(input);
    }
    if (!found) {
      throw new IllegalArgumentException("the model has no input '" + input + "'");
    }
    zeroLength.put(input, Checks.atLeast("axis", axis, 0));
    return this;
  }

  /**
   * Trains on full sequences: every {@code past_key_values.*} input becomes an empty tensor
   * (sequence axis 2 of length 0) and the {@code present.*} outputs are dropped.
   *
   * @throws IllegalStateException if set before
   */
  public TrainingGraphBuilder withoutPastKeyValues() {
    set.mark("without past key values");
    dropPast = true;
    return this;
  }

  /**
   * Forward outputs (or other values) to return beside the loss, e.g. logits or margins.
   *
   * @throws IllegalArgumentException if the model has no such value
   */
  public TrainingGraphBuilder keepOutputs(String... values) {
    for (String v : values) {
      requireValue(v, "kept output");
      if (!keep.contains(v)) {
        keep.add(v);
      }
    }
    return this;
  }

  /** Treats every dimension as unknown, to exercise the run-time shape paths (tests). */
  TrainingGraphBuilder forgetDims() {
    this.forgetDims = true;
    return this;
  }

  private void requireValue(String v, String what) {
    Objects.requireNonNull(v, what);
    OnnxMl.GraphProto g = model.getGraph();
    for (OnnxMl.NodeProto n : g.getNodeList()) {
      if (n.getOutputList().contains(v)) {
        return;
      }
    }
    for (OnnxMl.ValueInfoProto i : g.getInputList()) {
      if (i.getName().equals(v)) {
        return;
      }
    }
    throw new IllegalArgumentException("the model has no value '" + v + "' for the " + what);
  }

  /**
   * The training-step graph.
   *
   * @throws IllegalStateException if the trainable initializers or the loss were not set
   * @throws IllegalArgumentException if the graph cannot be differentiated: an operator without a
   *     gradient rule between the parameters and the loss (named with its node), a parameter that
   *     does not affect the loss, a loss that is not a scalar, an opset below 13
   */
  public TrainingGraph build() {
    return (TrainingGraph) assemble(true);
  }

  /**
   * The gradient graph (no optimiser).
   *
   * @throws IllegalStateException if the trainable initializers or the loss were not set
   * @throws IllegalArgumentException as {@link #build()}
   */
  public GradientGraph buildGradients() {
    return (GradientGraph) assemble(false);
  }

  private Object assemble(boolean step) {
    if (trainable.isEmpty()) {
      throw new IllegalStateException("trainable initializers were not set");
    }
    if (loss == null) {
      throw new IllegalStateException("loss was not set");
    }
    Map<String, Integer> zero = new LinkedHashMap<>(zeroLength);
    if (dropPast) {
      for (OnnxMl.ValueInfoProto i : model.getGraph().getInputList()) {
        if (i.getName().startsWith("past_key_values.")
            || i.getName().startsWith("past_key_values_")) {
          zero.putIfAbsent(i.getName(), 2);
        }
      }
    }
    OnnxMl.ModelProto prepared = Prepare.prepare(model, zero);
    Graph g = new Graph(prepared);
    Shapes s = new Shapes(g, forgetDims, bindings(zero));
    int dtype = g.initializers.get(trainable.get(0)).getDataType();
    Set<String> taken = new HashSet<>(g.names);
    Emitter e = new Emitter(g.opset, taken, "grad::");
    // Claim the interface names first so that nothing else takes them.
    Map<String, String[]> io = new LinkedHashMap<>();
    for (String p : trainable) {
      if (step) {
        io.put(
            p,
            new String[] {
              e.claim(p + "::m"),
              e.claim(p + "::v"),
              e.claim(p + "::updated"),
              e.claim(p + "::m::updated"),
              e.claim(p + "::v::updated")
            });
      } else {
        io.put(p, new String[] {e.claim(p + "::grad")});
      }
    }
    String gradNormName = e.claim(TrainingGraph.GRAD_NORM);
    String lrName = null;
    String wdName = null;
    String maxNormName = null;
    String stepName = null;
    if (step) {
      lrName = e.claim(TrainingGraph.LEARNING_RATE);
      wdName = e.claim(TrainingGraph.WEIGHT_DECAY);
      stepName = e.claim(TrainingGraph.STEP);
      if (clipping) {
        maxNormName = e.claim(TrainingGraph.MAX_GRAD_NORM);
      }
    }
    Differentiator diff = new Differentiator(g, s, e, trainable, loss, dtype);
    Map<String, String> grads = diff.run();

    // Global norm.
    List<String> squares = new ArrayList<>();
    for (String gp : grads.values()) {
      squares.add(e.reduce("ReduceSumSquare", gp, null, false));
    }
    String total =
        squares.size() == 1
            ? squares.get(0)
            : e.node("Sum").in(squares.toArray(new String[0])).add();
    e.node("Sqrt").in(total).out(gradNormName).add();

    List<OnnxMl.ValueInfoProto> newInputs = new ArrayList<>();
    List<OnnxMl.ValueInfoProto> newOutputs = new ArrayList<>();
    List<TrainingGraph.Parameter> params = new ArrayList<>();
    List<TensorSpec> paramSpecs = new ArrayList<>();
    Map<String, String> gradOutputs = new LinkedHashMap<>();
    for (String p : trainable) {
      OnnxMl.TensorProto init = g.initializers.get(p);
      TensorSpec spec = spec(p, init);
      paramSpecs.add(spec);
      newInputs.add(valueInfo(p, dtype, init.getDimsList()));
    }
    newOutputs.add(valueInfo(loss, s.type(loss)));
    newOutputs.add(valueInfo(gradNormName, dtype, List.of()));
    if (step) {
      newInputs.add(valueInfo(lrName, dtype, List.of()));
      newInputs.add(valueInfo(wdName, dtype, List.of()));
      newInputs.add(valueInfo(stepName, DataType.INT64_VALUE, List.of()));
      if (clipping) {
        newInputs.add(valueInfo(maxNormName, dtype, List.of()));
      }
      AdamW.Scalars sc =
          AdamW.scalars(
              e, dtype, lrName, wdName, stepName, maxNormName, gradNormName, beta1, beta2);
      for (String p : trainable) {
        String[] names = io.get(p);
        OnnxMl.TensorProto init = g.initializers.get(p);
        boolean decay = !noDecay.contains(p);
        newInputs.add(valueInfo(names[0], dtype, init.getDimsList()));
        newInputs.add(valueInfo(names[1], dtype, init.getDimsList()));
        AdamW.update(e, sc, p, grads.get(p), names, decay, beta1, beta2, epsilon, dtype);
        newOutputs.add(valueInfo(names[2], dtype, init.getDimsList()));
        newOutputs.add(valueInfo(names[3], dtype, init.getDimsList()));
        newOutputs.add(valueInfo(names[4], dtype, init.getDimsList()));
        params.add(
            new TrainingGraph.Parameter(
                p, spec(p, init), init, names[0], names[1], names[2], names[3], names[4], decay));
      }
    } else {
      for (String p : trainable) {
        String out = io.get(p)[0];
        e.node("Identity").in(grads.get(p)).out(out).add();
        OnnxMl.TensorProto init = g.initializers.get(p);
        newOutputs.add(valueInfo(out, dtype, init.getDimsList()));
        gradOutputs.put(p, out);
      }
    }
    for (String k : keep) {
      if (!k.equals(loss)) {
        newOutputs.add(valueInfo(k, s.type(k)));
      }
    }

    // Assemble and prune.
    List<OnnxMl.NodeProto> all = new ArrayList<>();
    for (OnnxMl.NodeProto n : g.nodes) {
      all.add(n.getOutputCount() > 0 ? diff.replaced.getOrDefault(n.getOutput(0), n) : n);
    }
    all.addAll(e.nodes);
    Set<String> needed = new HashSet<>();
    for (OnnxMl.ValueInfoProto o : newOutputs) {
      needed.add(o.getName());
    }
    boolean[] keepNode = new boolean[all.size()];
    for (int i = all.size() - 1; i >= 0; i--) {
      OnnxMl.NodeProto n = all.get(i);
      boolean k = false;
      for (String o : n.getOutputList()) {
        k |= needed.contains(o);
      }
      if (k) {
        keepNode[i] = true;
        needed.addAll(n.getInputList());
        addSubgraphInputs(n, needed);
      }
    }
    OnnxMl.GraphProto.Builder gb =
        OnnxMl.GraphProto.newBuilder()
            .setName(g.proto.getName() + (step ? "_train_step" : "_gradients"));
    for (int i = 0; i < all.size(); i++) {
      if (keepNode[i]) {
        gb.addNode(all.get(i));
      }
    }
    Set<String> params0 = new HashSet<>(trainable);
    for (OnnxMl.TensorProto t : g.initializers.values()) {
      if (!params0.contains(t.getName()) && needed.contains(t.getName())) {
        gb.addInitializer(t);
      }
    }
    for (OnnxMl.TensorProto t : e.initializers) {
      if (needed.contains(t.getName())) {
        gb.addInitializer(t);
      }
    }
    List<TensorSpec> batch = new ArrayList<>();
    for (OnnxMl.ValueInfoProto i : g.inputs.values()) {
      if (needed.contains(i.getName())) {
        gb.addInput(i);
        batch.add(spec(i));
      }
    }
    for (OnnxMl.ValueInfoProto i : newInputs) {
      gb.addInput(i);
    }
    for (OnnxMl.ValueInfoProto o : newOutputs) {
      gb.addOutput(o);
    }
    for (OnnxMl.ValueInfoProto vi : g.proto.getValueInfoList()) {
      if (needed.contains(vi.getName()) && !params0.contains(vi.getName())) {
        gb.addValueInfo(vi);
      }
    }
    OnnxMl.ModelProto.Builder mb =
        prepared.toBuilder()
            .clearGraph()
            .setGraph(gb)
            .setIrVersion(Math.max(8, prepared.getIrVersion()));
    OnnxMl.ModelProto out = mb.build();
    if (step) {
      return new TrainingGraph(
          out,
          params,
          batch,
          loss,
          keep.stream().filter(k -> !k.equals(loss)).toList(),
          beta1,
          beta2,
          epsilon,
          clipping);
    }
    return new GradientGraph(out, paramSpecs, gradOutputs, batch, loss);
  }

  /**
   * What the emptied inputs tell about symbolic dimensions: the emptied axis's name is 0, and
   * without past key values the total length is the sequence length.
   */
  private Map<String, Dim> bindings(Map<String, Integer> zero) {
    Map<String, Dim> b = new HashMap<>();
    Set<String> names = new HashSet<>();
    for (OnnxMl.ValueInfoProto i : model.getGraph().getInputList()) {
      ValueType t = Shapes.fromValueInfo(i);
      if (t.dims() == null) {
        continue;
      }
      Integer axis = zero.get(i.getName());
      for (int k = 0; k < t.rank(); k++) {
        String sym = t.dim(k).symbol();
        if (sym != null) {
          names.add(sym);
          if (axis != null && axis == k && sym.matches("[A-Za-z0-9_.]+")) {
            b.put(sym, Dim.of(0));
          }
        }
      }
    }
    if (dropPast && names.contains("total_sequence_length") && names.contains("sequence_length")) {
      b.put("total_sequence_length", Dim.symbol("sequence_length"));
    }
    return b;
  }

  private static void addSubgraphInputs(OnnxMl.NodeProto n, Set<String> needed) {
    for (OnnxMl.AttributeProto a : n.getAttributeList()) {
      if (a.hasG()) {
        for (OnnxMl.NodeProto sn : a.getG().getNodeList()) {
          needed.addAll(sn.getInputList());
          addSubgraphInputs(sn, needed);
        }
      }
      for (OnnxMl.GraphProto sg : a.getGraphsList()) {
        for (OnnxMl.NodeProto sn : sg.getNodeList()) {
          needed.addAll(sn.getInputList());
          addSubgraphInputs(sn, needed);
        }
      }
    }
  }

  static TensorSpec spec(String name, OnnxMl.TensorProto t) {
    List<Long> shape = new ArrayList<>(t.getDimsList());
    return new TensorSpec(name, elementType(t.getDataType()), shape);
  }

  static TensorSpec spec(OnnxMl.ValueInfoProto vi) {
    ValueType t = Shapes.fromValueInfo(vi);
    List<Long> shape = new ArrayList<>();
    if (t.dims() != null) {
      for (Dim d : t.dims()) {
        shape.add(d.isStatic() ? d.size() : -1L);
      }
    }
    return new TensorSpec(vi.getName(), elementType(t.elemType()), shape);
  }

  static ElementType elementType(int t) {
    for (ElementType e : ElementType.values()) {
      if (e.proto().getNumber() == t) {
        return e;
      }
    }
    throw new IllegalArgumentException("unsupported element type " + ValueType.typeName(t));
  }

  static OnnxMl.ValueInfoProto valueInfo(String name, int elemType, List<Long> dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
        .build();
  }

  static OnnxMl.ValueInfoProto valueInfo(String name, ValueType t) {
    OnnxMl.TypeProto.Tensor.Builder tt = OnnxMl.TypeProto.Tensor.newBuilder();
    tt.setElemType(t.elemType());
    if (t.dims() != null) {
      OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
      for (Dim d : t.dims()) {
        OnnxMl.TensorShapeProto.Dimension.Builder db =
            OnnxMl.TensorShapeProto.Dimension.newBuilder();
        if (d.isStatic()) {
          db.setDimValue(d.size());
        } else if (d.symbol() != null) {
          db.setDimParam(d.symbol());
        }
        shape.addDim(db);
      }
      tt.setShape(shape);
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.TypeProto.newBuilder().setTensorType(tt))
        .build();
  }
}
