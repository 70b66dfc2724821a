package io.rstar4j.core.model;

/** Where ONNX Runtime executes a model. */
public enum ExecutionProvider {
  /** The CPU provider (always available). */
  CPU,
  /** The CUDA provider (needs the {@code onnxruntime_gpu} artifact, CUDA libraries and a GPU). */
  CUDA
}
