/**
 * Self-evolution: SFT and preference-pair extraction from search trees ({@code
 * io.rstar4j.train.data}), the Process Preference Model and its training ({@code
 * io.rstar4j.train.ppm}), and the rounds ({@code io.rstar4j.train.evolve}).
 *
 * <p>The PPM runs on rstar-core's model runtime, whose ONNX Runtime is optional: add {@code
 * com.microsoft.onnxruntime:onnxruntime} or {@code onnxruntime_gpu} for the PPM.
 */
module io.rstar4j.train {
  requires transitive io.rstar4j.core;
  requires transitive io.rstar4j.mcts;
  requires com.google.common;
  requires com.google.gson;
  requires transitive org.tribuo.util.onnx;
  requires com.google.protobuf;

  exports io.rstar4j.train.autodiff;
  exports io.rstar4j.train.data;
  exports io.rstar4j.train.domain;
  exports io.rstar4j.train.evolve;
  exports io.rstar4j.train.policy;
  exports io.rstar4j.train.ppm;
  exports io.rstar4j.train.tokenizer;
}
