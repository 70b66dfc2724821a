package io.rstar4j.core.model;

import java.util.Set;

/**
 * The shape of a causal LM export, read from its graph (and {@code config.json} where the graph
 * leaves a dimension symbolic).
 *
 * @param layers decoder layers (number of {@code past_key_values.{i}.key} inputs)
 * @param kvHeads key/value heads per layer
 * @param headDim size of one head
 * @param vocabSize logits width
 * @param maxPositions context length: prompt plus generated tokens may not exceed it
 * @param eosTokenIds ids that end a generation
 * @param hasPositionIds whether the graph takes {@code position_ids}
 */
public record DecoderLayout(
    int layers,
    int kvHeads,
    int headDim,
    int vocabSize,
    int maxPositions,
    Set<Integer> eosTokenIds,
    boolean hasPositionIds) {
  public DecoderLayout {
    if (layers < 1 || kvHeads < 1 || headDim < 1 || vocabSize < 1 || maxPositions < 1) {
      throw new IllegalArgumentException(
          "layout dimensions must be positive: layers="
              + layers
              + " kvHeads="
              + kvHeads
              + " headDim="
              + headDim
              + " vocab="
              + vocabSize
              + " maxPositions="
              + maxPositions);
    }
    eosTokenIds = Set.copyOf(eosTokenIds);
  }

  /** Bytes of KV cache per token (all layers, keys and values, float32). */
  public long kvBytesPerToken() {
    return 2L * layers * kvHeads * headDim * Float.BYTES;
  }
}
