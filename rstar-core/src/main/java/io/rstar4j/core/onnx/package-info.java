/**
 * Building ONNX models in Java: {@link io.rstar4j.core.onnx.OnnxGraphBuilder}, a small fluent API
 * over the ONNX protobuf classes ({@code ai.onnx.proto.OnnxMl}) for test models and training-step
 * graphs (inputs and outputs with symbolic dimensions, initializers, any operator, helpers for the
 * common ones; opset 17 and later).
 *
 * <p>All references are non-null unless documented otherwise.
 */
package io.rstar4j.core.onnx;
