package io.rstar4j.train.autodiff;

import io.rstar4j.core.onnx.ElementType;
import java.util.List;
import java.util.Objects;

/**
 * A graph input or output: its name, element type and shape, {@code -1} for a dimension that may
 * take any size (a symbolic or unknown dimension of the model).
 *
 * @param name the value name
 * @param type the element type
 * @param shape the dimensions
 */
public record TensorSpec(String name, ElementType type, List<Long> shape) {
  /**
   * @throws NullPointerException if an argument is null
   */
  public TensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    shape = List.copyOf(shape);
  }

  /** The number of elements, or -1 when a dimension is not fixed. */
  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        return -1;
      }
      n *= d;
    }
    return n;
  }
}
