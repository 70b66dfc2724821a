package io.rstar4j.train.autodiff;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reading and writing the data of {@link OnnxMl.TensorProto}s. */
final class Tensors {
  private Tensors() {}

  static long count(OnnxMl.TensorProto t) {
    long n = 1;
    for (long d : t.getDimsList()) {
      n *= d;
    }
    return n;
  }

  static long[] dims(OnnxMl.TensorProto t) {
    long[] d = new long[t.getDimsCount()];
    for (int i = 0; i < d.length; i++) {
      d[i] = t.getDims(i);
    }
    return d;
  }

  static boolean isExternal(OnnxMl.TensorProto t) {
    return t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL;
  }

  private static ByteBuffer raw(OnnxMl.TensorProto t) {
    return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** An integer (or bool) tensor's values, or null when it is not an integer tensor. */
  static long[] longs(OnnxMl.TensorProto t) {
    if (isExternal(t)) {
      return null;
    }
    int n = (int) count(t);
    long[] out = new long[n];
    boolean hasRaw = !t.getRawData().isEmpty();
    switch (t.getDataType()) {
      case DataType.INT64_VALUE -> {
        if (hasRaw) {
          raw(t).asLongBuffer().get(out);
        } else {
          for (int i = 0; i < n; i++) {
            out[i] = t.getInt64Data(i);
          }
        }
      }
      case DataType.INT32_VALUE,
          DataType.INT16_VALUE,
          DataType.INT8_VALUE,
          DataType.UINT8_VALUE,
          DataType.UINT16_VALUE,
          DataType.BOOL_VALUE -> {
        if (hasRaw) {
          ByteBuffer b = raw(t);
          for (int i = 0; i < n; i++) {
            out[i] =
                switch (t.getDataType()) {
                  case DataType.INT32_VALUE -> b.getInt(i * 4);
                  case DataType.INT16_VALUE -> b.getShort(i * 2);
                  case DataType.UINT16_VALUE -> b.getShort(i * 2) & 0xffff;
                  case DataType.INT8_VALUE -> b.get(i);
                  default -> b.get(i) & 0xff;
                };
          }
        } else {
          for (int i = 0; i < n; i++) {
            out[i] = t.getInt32Data(i);
          }
        }
      }
      case DataType.UINT32_VALUE, DataType.UINT64_VALUE -> {
        if (hasRaw) {
          ByteBuffer b = raw(t);
          for (int i = 0; i < n; i++) {
            out[i] =
                t.getDataType() == DataType.UINT32_VALUE
                    ? b.getInt(i * 4) & 0xffffffffL
                    : b.getLong(i * 8);
          }
        } else {
          for (int i = 0; i < n; i++) {
            out[i] = t.getUint64Data(i);
          }
        }
      }
      default -> {
        return null;
      }
    }
    return out;
  }

  /** A float or double tensor's values as doubles, or null for other types. */
  static double[] doubles(OnnxMl.TensorProto t) {
    if (isExternal(t)) {
      return null;
    }
    int n = (int) count(t);
    double[] out = new double[n];
    boolean hasRaw = !t.getRawData().isEmpty();
    switch (t.getDataType()) {
      case DataType.FLOAT_VALUE -> {
        if (hasRaw) {
          ByteBuffer b = raw(t);
          for (int i = 0; i < n; i++) {
            out[i] = b.getFloat(i * 4);
          }
        } else {
          for (int i = 0; i < n; i++) {
            out[i] = t.getFloatData(i);
          }
        }
      }
      case DataType.DOUBLE_VALUE -> {
        if (hasRaw) {
          raw(t).asDoubleBuffer().get(out);
        } else {
          for (int i = 0; i < n; i++) {
            out[i] = t.getDoubleData(i);
          }
        }
      }
      default -> {
        return null;
      }
    }
    return out;
  }

  /**
   * The tensor's data as little-endian bytes (raw data, or the typed fields re-encoded).
   *
   * @throws IllegalArgumentException for external data or an unsupported type
   */
  static ByteBuffer littleEndianBytes(OnnxMl.TensorProto t) {
    if (isExternal(t)) {
      throw new IllegalArgumentException(
          "initializer '"
              + t.getName()
              + "' keeps its data in an external file; load the model with its external data"
              + " inlined (models over 2 GB are not supported yet)");
    }
    if (!t.getRawData().isEmpty()) {
      return raw(t);
    }
    int n = (int) count(t);
    switch (t.getDataType()) {
      case DataType.FLOAT_VALUE -> {
        ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
          b.putFloat(t.getFloatData(i));
        }
        return b.flip();
      }
      case DataType.DOUBLE_VALUE -> {
        ByteBuffer b = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
          b.putDouble(t.getDoubleData(i));
        }
        return b.flip();
      }
      default ->
          throw new IllegalArgumentException(
              "initializer '" + t.getName() + "' of " + ValueType.typeName(t.getDataType()));
    }
  }

  static OnnxMl.TensorProto int64(String name, long[] values, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    OnnxMl.TensorProto.Builder t =
        OnnxMl.TensorProto.newBuilder().setName(name).setDataType(DataType.INT64_VALUE);
    for (long d : dims) {
      t.addDims(d);
    }
    return t.setRawData(ByteString.copyFrom(b.array())).build();
  }

  /** A float-typed tensor (float, double) filled with the values. */
  static OnnxMl.TensorProto floating(String name, int elemType, double[] values, long... dims) {
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setDataType(elemType);
    if (name != null) {
      t.setName(name);
    }
    for (long d : dims) {
      t.addDims(d);
    }
    ByteBuffer b;
    switch (elemType) {
      case DataType.FLOAT_VALUE -> {
        b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
          b.putFloat((float) v);
        }
      }
      case DataType.DOUBLE_VALUE -> {
        b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
          b.putDouble(v);
        }
      }
      default ->
          throw new IllegalArgumentException(
              "no constants of " + ValueType.typeName(elemType) + " in training graphs");
    }
    return t.setRawData(ByteString.copyFrom(b.array())).build();
  }
}
