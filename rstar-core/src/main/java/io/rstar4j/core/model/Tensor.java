package io.rstar4j.core.model;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense tensor for {@link GraphSession}: an element type, a shape and the elements in row-major
 * order, in plain Java (no ONNX Runtime type appears here).
 *
 * <p>The {@code of} and {@code scalar} factories copy their arguments, so such a tensor is an
 * immutable value. {@link #wrap(FloatBuffer, long...)} and its siblings make a view over the
 * caller's buffer without copying; a view over a <em>direct</em> buffer in native byte order is
 * handed to ONNX Runtime without any copy at all, which is what large parameter tensors want (a
 * heap buffer is copied into native memory by ONNX Runtime on every run). {@link #allocate(Type,
 * long...)} makes a zeroed direct tensor that {@link GraphSession#run(java.util.Map, java.util.Set,
 * java.util.Map)} can write outputs into in place. A view must not be changed while a run reads or
 * writes it.
 */
public final class Tensor {
  /** Element types a tensor can hold. */
  public enum Type {
    /** 32-bit IEEE float. */
    FLOAT(4),
    /** 64-bit IEEE float. */
    DOUBLE(8),
    /** 32-bit signed integer. */
    INT32(4),
    /** 64-bit signed integer. */
    INT64(8),
    /** Boolean, one byte per element (0 or 1). */
    BOOL(1);

    private final int bytes;

    Type(int bytes) {
      this.bytes = bytes;
    }

    /** The size of one element in bytes. */
    public int bytes() {
      return bytes;
    }
  }

  private final Type type;
  private final long[] shape;
  private final int size;
  private final Buffer data; // position 0, limit == size
  private final boolean view; // over memory others may write (wrap, allocate), not a value

  private Tensor(Type type, long[] shape, Buffer data, boolean view) {
    this.type = type;
    this.shape = shape;
    this.size = data.remaining();
    this.data = data;
    this.view = view;
  }

  // ---------------------------------------------------------------- copies

  /**
   * A float tensor holding a copy of {@code values}.
   *
   * @throws IllegalArgumentException if a dimension is negative or the shape does not hold exactly
   *     {@code values.length} elements
   */
  public static Tensor of(float[] values, long... shape) {
    long[] s = checkShape(shape, values.length);
    return new Tensor(Type.FLOAT, s, FloatBuffer.wrap(values.clone()), false);
  }

  /**
   * A double tensor holding a copy of {@code values}.
   *
   * @throws IllegalArgumentException if a dimension is negative or the shape does not hold exactly
   *     {@code values.length} elements
   */
  public static Tensor of(double[] values, long... shape) {
    long[] s = checkShape(shape, values.length);
    return new Tensor(Type.DOUBLE, s, DoubleBuffer.wrap(values.clone()), false);
  }

  /**
   * An int32 tensor holding a copy of {@code values}.
   *
   * @throws IllegalArgumentException if a dimension is negative or the shape does not hold exactly
   *     {@code values.length} elements
   */
  public static Tensor of(int[] values, long... shape) {
    long[] s = checkShape(shape, values.length);
    return new Tensor(Type.INT32, s, IntBuffer.wrap(values.clone()), false);
  }

  /**
   * An int64 tensor holding a copy of {@code values}.
   *
   * @throws IllegalArgumentException if a dimension is negative or the shape does not hold exactly
   *     {@code values.length} elements
   */
  public static Tensor of(long[] values, long... shape) {
    long[] s = checkShape(shape, values.length);
    return new Tensor(Type.INT64, s, LongBuffer.wrap(values.clone()), false);
  }

  /**
   * A boolean tensor holding a copy of {@code values}.
   *
   * @throws IllegalArgumentException if a dimension is negative or the shape does not hold exactly
   *     {@code values.length} elements
   */
  public static Tensor of(boolean[] values, long... shape) {
    long[] s = checkShape(shape, values.length);
    byte[] b = new byte[values.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (values[i] ? 1 : 0);
    }
    return new Tensor(Type.BOOL, s, ByteBuffer.wrap(b), false);
  }

  /** A rank-0 float tensor. */
  public static Tensor scalar(float value) {
    return of(new float[] {value});
  }

  /** A rank-0 double tensor. */
  public static Tensor scalar(double value) {
    return of(new double[] {value});
  }

  /** A rank-0 int64 tensor. */
  public static Tensor scalar(long value) {
    return of(new long[] {value});
  }

  /** A rank-0 boolean tensor. */
  public static Tensor scalar(boolean value) {
    return of(new boolean[] {value});
  }

  // ---------------------------------------------------------------- views

  /**
   * A float view over {@code data}'s remaining elements, without a copy.
   *
   * @throws IllegalArgumentException if the shape does not hold exactly {@code data.remaining()}
   *     elements, or {@code data} is direct but not in native byte order
   */
  public static Tensor wrap(FloatBuffer data, long... shape) {
    return view(Type.FLOAT, data.slice(), data.isDirect(), data.order(), shape);
  }

  /**
   * A double view over {@code data}'s remaining elements, without a copy.
   *
   * @throws IllegalArgumentException if the shape does not hold exactly {@code data.remaining()}
   *     elements, or {@code data} is direct but not in native byte order
   */
  public static Tensor wrap(DoubleBuffer data, long... shape) {
    return view(Type.DOUBLE, data.slice(), data.isDirect(), data.order(), shape);
  }

  /**
   * An int32 view over {@code data}'s remaining elements, without a copy.
   *
   * @throws IllegalArgumentException if the shape does not hold exactly {@code data.remaining()}
   *     elements, or {@code data} is direct but not in native byte order
   */
  public static Tensor wrap(IntBuffer data, long... shape) {
    return view(Type.INT32, data.slice(), data.isDirect(), data.order(), shape);
  }

  /**
   * An int64 view over {@code data}'s remaining elements, without a copy.
   *
   * @throws IllegalArgumentException if the shape does not hold exactly {@code data.remaining()}
   *     elements, or {@code data} is direct but not in native byte order
   */
  public static Tensor wrap(LongBuffer data, long... shape) {
    return view(Type.INT64, data.slice(), data.isDirect(), data.order(), shape);
  }

  private static Tensor view(
      Type type, Buffer slice, boolean direct, ByteOrder order, long[] shape) {
    if (direct && order != ByteOrder.nativeOrder()) {
      throw new IllegalArgumentException(
          "a direct buffer must be in native byte order ("
              + ByteOrder.nativeOrder()
              + "), was "
              + order);
    }
    return new Tensor(type, checkShape(shape, slice.remaining()), slice, true);
  }

  /**
   * A zeroed tensor in a direct buffer of native byte order: an output for {@link
   * GraphSession#run(java.util.Map, java.util.Set, java.util.Map)} to write into, or an input the
   * caller fills through {@link #writableBuffer()}.
   *
   * @throws IllegalArgumentException if a dimension is negative or the tensor would hold more than
   *     {@code Integer.MAX_VALUE} bytes
   */
  public static Tensor allocate(Type type, long... shape) {
    Objects.requireNonNull(type, "type");
    long n = elements(shape);
    if (n * type.bytes() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a tensor of shape " + Arrays.toString(shape) + " is over 2 GiB");
    }
    ByteBuffer b =
        ByteBuffer.allocateDirect((int) (n * type.bytes())).order(ByteOrder.nativeOrder());
    Buffer data =
        switch (type) {
          case FLOAT -> b.asFloatBuffer();
          case DOUBLE -> b.asDoubleBuffer();
          case INT32 -> b.asIntBuffer();
          case INT64 -> b.asLongBuffer();
          case BOOL -> b;
        };
    return new Tensor(type, shape.clone(), data, true);
  }

  /** A tensor over data ONNX Runtime returned (already a private copy). */
  static Tensor adopt(Type type, long[] shape, Buffer data) {
    return new Tensor(type, checkShape(shape, data.remaining()), data, false);
  }

  // ---------------------------------------------------------------- accessors

  /** The element type. */
  public Type type() {
    return type;
  }

  /** The shape (a copy); empty for a scalar. */
  public long[] shape() {
    return shape.clone();
  }

  /** The number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** The number of elements. */
  public int size() {
    return size;
  }

  /** Whether the elements live in a direct (native) buffer, passed to ONNX Runtime uncopied. */
  public boolean isDirect() {
    return data.isDirect();
  }

  /**
   * The elements as a new array.
   *
   * @throws IllegalStateException if the tensor is not {@link Type#FLOAT}
   */
  public float[] toFloatArray() {
    float[] out = new float[size];
    ((FloatBuffer) typed(Type.FLOAT)).get(0, out);
    return out;
  }

  /**
   * The elements as a new array.
   *
   * @throws IllegalStateException if the tensor is not {@link Type#DOUBLE}
   */
  public double[] toDoubleArray() {
    double[] out = new double[size];
    ((DoubleBuffer) typed(Type.DOUBLE)).get(0, out);
    return out;
  }

  /**
   * The elements as a new array.
   *
   * @throws IllegalStateException if the tensor is not {@link Type#INT32}
   */
  public int[] toIntArray() {
    int[] out = new int[size];
    ((IntBuffer) typed(Type.INT32)).get(0, out);
    return out;
  }

  /**
   * The elements as a new array.
   *
   * @throws IllegalStateException if the tensor is not {@link Type#INT64}
   */
  public long[] toLongArray() {
    long[] out = new long[size];
    ((LongBuffer) typed(Type.INT64)).get(0, out);
    return out;
  }

  /**
   * The elements as a new array.
   *
   * @throws IllegalStateException if the tensor is not {@link Type#BOOL}
   */
  public boolean[] toBooleanArray() {
    ByteBuffer b = (ByteBuffer) typed(Type.BOOL);
    boolean[] out = new boolean[size];
    for (int i = 0; i < size; i++) {
      out[i] = b.get(i) != 0;
    }
    return out;
  }

  /**
   * The single element of a one-element float or double tensor, as a double.
   *
   * @throws IllegalStateException if the tensor has more or fewer than one element or is not
   *     floating point
   */
  public double doubleValue() {
    if (size != 1) {
      throw new IllegalStateException(
          "a " + Arrays.toString(shape) + " tensor is not a single value");
    }
    return switch (type) {
      case FLOAT -> ((FloatBuffer) data).get(0);
      case DOUBLE -> ((DoubleBuffer) data).get(0);
      default -> throw new IllegalStateException("a " + type + " tensor is not floating point");
    };
  }

  /**
   * A read-only view of the float elements (no copy), for reading large tensors in bulk.
   *
   * @throws IllegalStateException if the tensor is not {@link Type#FLOAT}
   */
  public FloatBuffer floatBuffer() {
    return ((FloatBuffer) typed(Type.FLOAT)).asReadOnlyBuffer();
  }

  /**
   * A read-only view of the double elements (no copy).
   *
   * @throws IllegalStateException if the tensor is not {@link Type#DOUBLE}
   */
  public DoubleBuffer doubleBuffer() {
    return ((DoubleBuffer) typed(Type.DOUBLE)).asReadOnlyBuffer();
  }

  /**
   * A writable view of the elements of a tensor made by {@link #allocate(Type, long...)} or wrapped
   * around the caller's buffer (a {@link FloatBuffer} for {@link Type#FLOAT}, and so on; a {@link
   * ByteBuffer} for {@link Type#BOOL}).
   *
   * @throws IllegalStateException if the tensor is a copy made by an {@code of} factory or a run
   *     (those are values and stay unchanged)
   */
  public Buffer writableBuffer() {
    if (!view) {
      throw new IllegalStateException("this tensor is an immutable value, not a view");
    }
    return duplicate();
  }

  /** The buffer itself (position 0, limit = size), for the runtime. */
  Buffer buffer() {
    return duplicate();
  }

  private Buffer duplicate() {
    return switch (type) {
      case FLOAT -> ((FloatBuffer) data).duplicate();
      case DOUBLE -> ((DoubleBuffer) data).duplicate();
      case INT32 -> ((IntBuffer) data).duplicate();
      case INT64 -> ((LongBuffer) data).duplicate();
      case BOOL -> ((ByteBuffer) data).duplicate();
    };
  }

  /** The shape without a copy, for the runtime. */
  long[] shapeUnsafe() {
    return shape;
  }

  private Buffer typed(Type want) {
    if (type != want) {
      throw new IllegalStateException("the tensor holds " + type + ", not " + want);
    }
    return data;
  }

  private static long elements(long[] shape) {
    Objects.requireNonNull(shape, "shape");
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "tensor dimensions must be >= 0, shape was " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  private static long[] checkShape(long[] shape, int elements) {
    long n = elements(shape);
    if (n != elements) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + n + " elements, the data " + elements);
    }
    return shape.clone();
  }

  /** Equal when the type, the shape and every element are equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t
        && type == t.type
        && Arrays.equals(shape, t.shape)
        && duplicate().equals(t.duplicate());
  }

  @Override
  public int hashCode() {
    return 31 * (31 * type.hashCode() + Arrays.hashCode(shape)) + duplicate().hashCode();
  }

  @Override
  public String toString() {
    return "Tensor[" + type + " " + Arrays.toString(shape) + (isDirect() ? ", direct]" : "]");
  }
}
