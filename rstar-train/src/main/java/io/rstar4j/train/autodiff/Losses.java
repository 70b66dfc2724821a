package io.rstar4j.train.autodiff;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Losses appended to a forward model, each as a scalar output {@link #LOSS} computed from one of
 * the model's values and new inputs, ready for {@link TrainingGraphBuilder}.
 */
public final class Losses {
  /** The name of the appended loss output. */
  public static final String LOSS = "loss";

  /** Input of {@link #tokenCrossEntropy}: the target token at each position, int64 [batch, seq]. */
  public static final String LABELS = "labels";

  /**
   * Input of {@link #tokenCrossEntropy}: each position's weight, [batch, seq] of the logits' type.
   */
  public static final String LABEL_WEIGHTS = "label_weights";

  /** Input of {@link #pairwisePreference}: each pair's weight, [pairs] of the scores' type. */
  public static final String PAIR_WEIGHTS = "pair_weights";

  private Losses() {}

  /**
   * Weighted next-token cross-entropy: {@code loss = sum_{b,t} w[b,t] * -log softmax(logits[b,t])
   * [labels[b,t]]}. The caller aligns the labels with the logits (the label at position t is the
   * token after it) and chooses the weights: 1 on response tokens and 0 elsewhere gives the summed
   * loss, {@code 1 / count} the mean over them (PyTorch's {@code cross_entropy} with ignored
   * positions). Positions of weight 0 may hold any label, -100 included.
   *
   * @param model a forward model
   * @param logits the name of its logits value {@code [batch, seq, vocab]}
   * @return the model with the inputs {@link #LABELS} and {@link #LABEL_WEIGHTS} and the output
   *     {@link #LOSS}
   * @throws IllegalArgumentException if the model has no such value, it is not a float tensor of
   *     rank 3, or the new names are taken
   */
  public static OnnxMl.ModelProto tokenCrossEntropy(OnnxMl.ModelProto model, String logits) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(logits, "logits");
    Graph g = new Graph(model);
    ValueType t = new Shapes(g, false).type(logits);
    if (!g.producer.containsKey(logits) && !g.inputs.containsKey(logits)) {
      throw new IllegalArgumentException("the model has no value '" + logits + "'");
    }
    if (!t.isFloat() || (t.dims() != null && t.rank() != 3)) {
      throw new IllegalArgumentException(
          "logits '" + logits + "' must be a float tensor [batch, seq, vocab], is " + t);
    }
    Emitter e = emitter(g, LABELS, LABEL_WEIGHTS, LOSS);
    int et = t.elemType();
    String zero = e.scalarInt(0);
    String labels = e.where(e.op("Less", LABELS, zero), zero, LABELS);
    String logp = e.node("LogSoftmax").in(logits).attr("axis", -1L).add();
    String picked =
        e.node("GatherElements").in(logp, e.unsqueeze(labels, -1)).attr("axis", -1L).add();
    String nll = e.squeeze(picked, -1);
    String weighted = e.mul(nll, LABEL_WEIGHTS);
    String sum = e.node("ReduceSum").in(weighted).attr("keepdims", 0L).add();
    e.node("Neg").in(sum).out(LOSS).add();
    Dim batch = t.dims() == null ? Dim.UNKNOWN : t.dim(0);
    Dim seq = t.dims() == null ? Dim.UNKNOWN : t.dim(1);
    return append(
        model,
        e,
        List.of(
            TrainingGraphBuilder.valueInfo(
                LABELS, ValueType.of(DataType.INT64_VALUE, List.of(batch, seq))),
            TrainingGraphBuilder.valueInfo(LABEL_WEIGHTS, ValueType.of(et, List.of(batch, seq)))),
        TrainingGraphBuilder.valueInfo(LOSS, ValueType.of(et, List.of())));
  }

  /**
   * The reference's pairwise preference loss: {@code loss = sum_p w[p] * -log sigmoid(r_chosen[p] -
   * r_rejected[p])}, where the scores value holds the chosen texts' scores first and the rejected
   * texts' after them ({@code [2P]} or {@code [2P, 1]}). The reference weights each pair by {@code
   * 1 / (pos_count * neg_count)} and sums.
   *
   * @param model a forward model scoring a batch of texts
   * @param scores the name of its score value
   * @return the model with the input {@link #PAIR_WEIGHTS} and the output {@link #LOSS}
   * @throws IllegalArgumentException if the model has no such float value or the names are taken
   */
  public static OnnxMl.ModelProto pairwisePreference(OnnxMl.ModelProto model, String scores) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(scores, "scores");
    Graph g = new Graph(model);
    ValueType t = new Shapes(g, false).type(scores);
    if (!g.producer.containsKey(scores) && !g.inputs.containsKey(scores)) {
      throw new IllegalArgumentException("the model has no value '" + scores + "'");
    }
    if (!t.isFloat()) {
      throw new IllegalArgumentException("scores '" + scores + "' must be a float tensor, is " + t);
    }
    Emitter e = emitter(g, PAIR_WEIGHTS, LOSS);
    int et = t.elemType();
    String both = e.reshape(scores, e.ints(2, -1));
    String chosen = e.node("Gather").in(both, e.scalarInt(0)).attr("axis", 0L).add();
    String rejected = e.node("Gather").in(both, e.scalarInt(1)).attr("axis", 0L).add();
    // -log sigmoid(d) = softplus(-d) = relu(-d) + log(1 + exp(-|d|)), stable for any margin d
    String negD = e.sub(rejected, chosen);
    String softplus =
        e.add(
            e.op("Relu", negD),
            e.op("Log", e.add(e.scalar(et, 1), e.op("Exp", e.neg(e.op("Abs", negD))))));
    String weighted = e.mul(softplus, PAIR_WEIGHTS);
    e.node("ReduceSum").in(weighted).attr("keepdims", 0L).out(LOSS).add();
    return append(
        model,
        e,
        List.of(
            TrainingGraphBuilder.valueInfo(
                PAIR_WEIGHTS, ValueType.of(et, List.of(Dim.symbol("pairs"))))),
        TrainingGraphBuilder.valueInfo(LOSS, ValueType.of(et, List.of())));
  }

  private static Emitter emitter(Graph g, String... claims) {
    Set<String> taken = new HashSet<>(g.names);
    Emitter e = new Emitter(g.opset, taken, "loss::");
    for (String c : claims) {
      if (taken.contains(c)) {
        throw new IllegalArgumentException(
            "the model already has a value named '" + c + "'; the loss needs that name");
      }
    }
    for (String c : claims) {
      e.claim(c);
    }
    return e;
  }

  private static OnnxMl.ModelProto append(
      OnnxMl.ModelProto model,
      Emitter e,
      List<OnnxMl.ValueInfoProto> inputs,
      OnnxMl.ValueInfoProto loss) {
    OnnxMl.GraphProto.Builder gb = model.getGraph().toBuilder();
    gb.addAllInput(inputs);
    gb.addAllNode(e.nodes);
    gb.addAllInitializer(e.initializers);
    gb.addOutput(loss);
    return model.toBuilder().setGraph(gb).build();
  }
}
