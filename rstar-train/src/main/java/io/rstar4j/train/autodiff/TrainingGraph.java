package io.rstar4j.train.autodiff;

import ai.onnx.proto.OnnxMl;
import java.util.List;
import java.util.Objects;

/**
 * One training step as a single ONNX graph, built by {@link TrainingGraphBuilder#build()}: the
 * forward pass, the loss, reverse-mode gradients, clipping by global norm and an AdamW update, in
 * standard ONNX operators that an ordinary (inference) ONNX Runtime session runs.
 *
 * <p>Inputs: every {@link #parameters() parameter} with its two AdamW moments, the {@link
 * #batchInputs() batch}, and the scalars {@link #LEARNING_RATE}, {@link #WEIGHT_DECAY}, {@link
 * #MAX_GRAD_NORM} (of the parameters' type; present when clipping is on) and {@link #STEP} (int64,
 * the 1-based number of this update, for bias correction). Outputs: the loss, {@link #GRAD_NORM}
 * (the global gradient norm before clipping), every parameter and moment updated, and any forward
 * outputs asked for with {@link TrainingGraphBuilder#keepOutputs}. Inputs and outputs have fixed
 * shapes apart from the batch, so a training loop can keep the state in two sets of buffers and
 * swap them each step (outputs written in place).
 *
 * <p>The update is PyTorch's {@code clip_grad_norm_} followed by {@code torch.optim.AdamW}: {@code
 * g *= min(1, max_norm / (norm + 1e-6))}; {@code p *= 1 - lr * wd}; {@code m = b1 m + (1 - b1) g};
 * {@code v = b2 v + (1 - b2) g^2}; {@code p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) +
 * eps)}.
 *
 * @param model the training-step graph
 * @param parameters the trained parameters, in the graph's input order
 * @param batchInputs the forward graph's remaining inputs (token ids, masks, labels...)
 * @param lossOutput the name of the loss output
 * @param extraOutputs forward outputs kept beside the loss
 * @param beta1 AdamW's first-moment decay
 * @param beta2 AdamW's second-moment decay
 * @param epsilon AdamW's denominator epsilon
 * @param clipping whether the graph clips by global norm (then {@link #MAX_GRAD_NORM} is an input)
 */
public record TrainingGraph(
    OnnxMl.ModelProto model,
    List<Parameter> parameters,
    List<TensorSpec> batchInputs,
    String lossOutput,
    List<String> extraOutputs,
    double beta1,
    double beta2,
    double epsilon,
    boolean clipping) {

  /** Scalar input: the learning rate of this step. */
  public static final String LEARNING_RATE = "train::learning_rate";

  /** Scalar input: the decoupled weight-decay coefficient. */
  public static final String WEIGHT_DECAY = "train::weight_decay";

  /** Scalar input: the maximum global gradient norm (+infinity disables clipping). */
  public static final String MAX_GRAD_NORM = "train::max_grad_norm";

  /** Scalar int64 input: the 1-based step number for bias correction. */
  public static final String STEP = "train::step";

  /** Scalar output: the global gradient norm before clipping. */
  public static final String GRAD_NORM = "train::grad_norm";

  /**
   * @throws NullPointerException if an argument is null
   */
  public TrainingGraph {
    Objects.requireNonNull(model, "model");
    parameters = List.copyOf(parameters);
    batchInputs = List.copyOf(batchInputs);
    Objects.requireNonNull(lossOutput, "lossOutput");
    extraOutputs = List.copyOf(extraOutputs);
  }

  /**
   * A trained parameter and the names of its values in the step graph.
   *
   * @param name the initializer's name in the forward model, also the step graph's input
   * @param spec its type and shape
   * @param initial the forward model's initializer (the starting value)
   * @param moment1Input the AdamW first moment input
   * @param moment2Input the AdamW second moment input
   * @param output the updated parameter
   * @param moment1Output the updated first moment
   * @param moment2Output the updated second moment
   * @param weightDecay whether weight decay applies to it
   */
  public record Parameter(
      String name,
      TensorSpec spec,
      OnnxMl.TensorProto initial,
      String moment1Input,
      String moment2Input,
      String output,
      String moment1Output,
      String moment2Output,
      boolean weightDecay) {}
}
