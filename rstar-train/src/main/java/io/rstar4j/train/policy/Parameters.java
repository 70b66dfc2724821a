package io.rstar4j.train.policy;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which initializers of a decoder export are its weights: those named as Hugging Face parameters
 * ({@code *.weight}, {@code *.bias}) and the anonymous matrices an Optimum export writes for
 * transposed linear weights ({@code onnx::MatMul_*}, {@code onnx::Gemm_*}); rotary tables and other
 * constants are not.
 */
final class Parameters {
  private Parameters() {}

  static boolean isWeight(OnnxMl.TensorProto t) {
    String n = t.getName();
    if (t.getDimsCount() == 0 || n.contains("inv_freq") || n.contains("rotary")) {
      return false;
    }
    return n.endsWith(".weight")
        || n.endsWith(".bias")
        || n.startsWith("onnx::MatMul_")
        || n.startsWith("onnx::Gemm_");
  }

  static List<String> select(OnnxMl.ModelProto m) {
    List<String> out = new ArrayList<>();
    for (OnnxMl.TensorProto t : m.getGraph().getInitializerList()) {
      if (isWeight(t)) {
        out.add(t.getName());
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "the model has no initializer named like a weight (*.weight, *.bias, onnx::MatMul_*)");
    }
    return out;
  }

  /** The 1-D parameters (biases, norm scales), which weight decay leaves alone. */
  static Set<String> vectors(OnnxMl.ModelProto m, Collection<String> params) {
    Set<String> want = new HashSet<>(params);
    Set<String> out = new HashSet<>();
    for (OnnxMl.TensorProto t : m.getGraph().getInitializerList()) {
      if (want.contains(t.getName()) && t.getDimsCount() <= 1) {
        out.add(t.getName());
      }
    }
    return out;
  }
}
