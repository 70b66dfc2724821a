package io.rstar4j.train.autodiff;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A value's element type ({@link OnnxMl.TensorProto.DataType} number, 0 when unknown) and shape
 * ({@code null} dims when even the rank is unknown).
 */
record ValueType(int elemType, List<Dim> dims) {
  static final ValueType UNKNOWN = new ValueType(0, null);

  ValueType {
    dims = dims == null ? null : Collections.unmodifiableList(new ArrayList<>(dims));
  }

  static ValueType of(int elemType, List<Dim> dims) {
    return new ValueType(elemType, dims);
  }

  boolean rankKnown() {
    return dims != null;
  }

  int rank() {
    if (dims == null) {
      throw new IllegalStateException("rank unknown");
    }
    return dims.size();
  }

  Dim dim(int axis) {
    return dims.get(axis);
  }

  ValueType withType(int t) {
    return new ValueType(t, dims);
  }

  ValueType withDims(List<Dim> d) {
    return new ValueType(elemType, d);
  }

  /** Every dimension static. */
  boolean fullyStatic() {
    if (dims == null) {
      return false;
    }
    for (Dim d : dims) {
      if (!d.isStatic()) {
        return false;
      }
    }
    return true;
  }

  long[] staticDims() {
    long[] s = new long[dims.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = dims.get(i).size();
    }
    return s;
  }

  boolean isFloat() {
    return isFloatType(elemType);
  }

  static boolean isFloatType(int t) {
    return t == OnnxMl.TensorProto.DataType.FLOAT_VALUE
        || t == OnnxMl.TensorProto.DataType.DOUBLE_VALUE
        || t == OnnxMl.TensorProto.DataType.FLOAT16_VALUE
        || t == OnnxMl.TensorProto.DataType.BFLOAT16_VALUE;
  }

  static String typeName(int t) {
    OnnxMl.TensorProto.DataType d = OnnxMl.TensorProto.DataType.forNumber(t);
    return d == null ? "type " + t : d.name();
  }

  @Override
  public String toString() {
    return typeName(elemType) + (dims == null ? "[?]" : dims.toString());
  }
}
