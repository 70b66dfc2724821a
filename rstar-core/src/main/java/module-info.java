/**
 * rstar4j's vocabulary and SPI ({@code io.rstar4j.core}), the step format, the saved-tree shape,
 * the tokenizers, the OpenAI-compatible HTTP policy and the model runtime on ONNX Runtime.
 *
 * <p>ONNX Runtime is optional ({@code requires static}): add {@code
 * com.microsoft.onnxruntime:onnxruntime} or {@code onnxruntime_gpu} to use {@code
 * io.rstar4j.core.model}. The internal packages are exported to the other rstar4j modules only.
 */
module io.rstar4j.core {
  requires com.google.gson;
  requires java.management;
  requires java.net.http;
  requires static com.microsoft.onnxruntime;
  requires static org.tribuo.util.onnx;
  requires static com.google.protobuf;

  exports io.rstar4j.core;
  exports io.rstar4j.core.http;
  exports io.rstar4j.core.io;
  exports io.rstar4j.core.model;
  exports io.rstar4j.core.tokenizer;
  exports io.rstar4j.core.tree;
  exports io.rstar4j.core.internal to
      io.rstar4j.mcts,
      io.rstar4j.verify,
      io.rstar4j.train;
  exports io.rstar4j.core.onnx to
      io.rstar4j.train;
}
