package io.rstar4j.core.onnx;

import ai.onnx.proto.OnnxMl;

/** Tensor element types a graph built with {@link OnnxGraphBuilder} can declare. */
public enum ElementType {
  FLOAT(OnnxMl.TensorProto.DataType.FLOAT, 4),
  FLOAT16(OnnxMl.TensorProto.DataType.FLOAT16, 2),
  DOUBLE(OnnxMl.TensorProto.DataType.DOUBLE, 8),
  INT8(OnnxMl.TensorProto.DataType.INT8, 1),
  UINT8(OnnxMl.TensorProto.DataType.UINT8, 1),
  INT32(OnnxMl.TensorProto.DataType.INT32, 4),
  INT64(OnnxMl.TensorProto.DataType.INT64, 8),
  BOOL(OnnxMl.TensorProto.DataType.BOOL, 1);

  private final OnnxMl.TensorProto.DataType proto;
  private final int bytes;

  ElementType(OnnxMl.TensorProto.DataType proto, int bytes) {
    this.proto = proto;
    this.bytes = bytes;
  }

  /** The ONNX protobuf data type. */
  public OnnxMl.TensorProto.DataType proto() {
    return proto;
  }

  /** The size of one element in bytes. */
  public int bytes() {
    return bytes;
  }
}
