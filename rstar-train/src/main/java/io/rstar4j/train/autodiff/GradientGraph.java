package io.rstar4j.train.autodiff;

import ai.onnx.proto.OnnxMl;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The forward pass, the loss and every parameter's gradient as one graph, built by {@link
 * TrainingGraphBuilder#buildGradients()}: for gradient checks, gradient accumulation over several
 * batches, or an optimiser of one's own. The parameters are inputs (named as the forward model's
 * initializers); outputs are the loss, {@link TrainingGraph#GRAD_NORM} and one gradient per
 * parameter.
 *
 * @param model the graph
 * @param parameters the parameters (input names), in input order
 * @param gradientOutputs each parameter's gradient output name
 * @param batchInputs the forward graph's remaining inputs
 * @param lossOutput the name of the loss output
 */
public record GradientGraph(
    OnnxMl.ModelProto model,
    List<TensorSpec> parameters,
    Map<String, String> gradientOutputs,
    List<TensorSpec> batchInputs,
    String lossOutput) {
  /**
   * @throws NullPointerException if an argument is null
   */
  public GradientGraph {
    Objects.requireNonNull(model, "model");
    parameters = List.copyOf(parameters);
    gradientOutputs = Map.copyOf(gradientOutputs);
    batchInputs = List.copyOf(batchInputs);
    Objects.requireNonNull(lossOutput, "lossOutput");
  }
}
