package io.rstar4j.train.ppm;

import java.util.Locale;

/**
 * What PPM training changes.
 *
 * <ul>
 *   <li>{@link #FULL}: the backbone and the value head together, as the reference does ({@code
 *       train/train_RM.py}); the default for a float backbone.
 *   <li>{@link #LORA}: low-rank adapters on the attention and MLP projections (every {@code MatMul}
 *       by a weight matrix) and the head; the base weights stay frozen and the adapters are folded
 *       into them when the PPM is saved.
 *   <li>{@link #HEAD}: the head alone on frozen backbone features; the only mode for a quantized
 *       backbone (its integer weights have no gradient).
 * </ul>
 */
public enum TrainMode {
  /** Backbone and head. */
  FULL,
  /** Low-rank adapters and head. */
  LORA,
  /** Head only. */
  HEAD;

  /**
   * The mode named {@code full}, {@code lora} or {@code head} (any case).
   *
   * @throws IllegalArgumentException on another name
   */
  public static TrainMode parse(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "full" -> FULL;
      case "lora" -> LORA;
      case "head" -> HEAD;
      default ->
          throw new IllegalArgumentException(
              "unknown training mode '" + name + "'; use full, lora or head");
    };
  }

  /** The lower-case name used on the command line and in {@code ppm.json}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
