package io.rstar4j.train.autodiff;

import io.rstar4j.core.onnx.ElementType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One batch for a {@link TrainingSession} step: named tensors (token ids, masks, labels, weights)
 * held in direct native-order buffers, so that they reach ONNX Runtime without another copy.
 * Immutable once built.
 */
public final class Batch {
  /** One tensor of the batch. */
  record Tensor(ElementType type, ByteBuffer data, long[] shape) {}

  private final Map<String, Tensor> tensors;

  private Batch(Map<String, Tensor> tensors) {
    this.tensors = Collections.unmodifiableMap(tensors);
  }

  /** Starts a batch. */
  public static Builder builder() {
    return new Builder();
  }

  /** The tensor names. */
  public java.util.Set<String> names() {
    return tensors.keySet();
  }

  /** The shape of a tensor, or null when the batch has no such tensor. */
  public long[] shape(String name) {
    Tensor t = tensors.get(name);
    return t == null ? null : t.shape().clone();
  }

  Map<String, Tensor> tensors() {
    return tensors;
  }

  /** Builds a {@link Batch}. */
  public static final class Builder {
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    private Builder() {}

    private static long count(String name, long[] shape, int length) {
      long n = 1;
      for (long d : shape) {
        if (d < 0) {
          throw new IllegalArgumentException(
              "tensor '" + name + "': negative dimension in " + Arrays.toString(shape));
        }
        n *= d;
      }
      if (n != length) {
        throw new IllegalArgumentException(
            "tensor '"
                + name
                + "': "
                + length
                + " values do not fill the shape "
                + Arrays.toString(shape));
      }
      return n;
    }

    private void put(String name, Tensor t) {
      Objects.requireNonNull(name, "name");
      if (tensors.putIfAbsent(name, t) != null) {
        throw new IllegalArgumentException("tensor '" + name + "' was already added");
      }
    }

    /**
     * Adds an int64 tensor (copied).
     *
     * @throws IllegalArgumentException if the values do not fill the shape or the name was added
     */
    public Builder int64(String name, long[] values, long... shape) {
      count(name, shape, values.length);
      ByteBuffer b = ByteBuffer.allocateDirect(values.length * 8).order(ByteOrder.nativeOrder());
      b.asLongBuffer().put(values);
      put(name, new Tensor(ElementType.INT64, b, shape.clone()));
      return this;
    }

    /**
     * Adds a float tensor (copied).
     *
     * @throws IllegalArgumentException if the values do not fill the shape or the name was added
     */
    public Builder float32(String name, float[] values, long... shape) {
      count(name, shape, values.length);
      ByteBuffer b = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder());
      b.asFloatBuffer().put(values);
      put(name, new Tensor(ElementType.FLOAT, b, shape.clone()));
      return this;
    }

    /** The batch. */
    public Batch build() {
      return new Batch(new LinkedHashMap<>(tensors));
    }
  }
}
