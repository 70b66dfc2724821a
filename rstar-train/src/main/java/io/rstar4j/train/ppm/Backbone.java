package io.rstar4j.train.ppm;

import io.rstar4j.core.internal.OnnxRuntimeCheck;
import io.rstar4j.core.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;

/**
 * The PPM's frozen body: turns texts into one hidden-state vector each, the hidden state of the
 * last non-pad token. Texts longer than the context are cut from the left (the end, which holds the
 * step being judged, is kept) and counted.
 */
public interface Backbone extends AutoCloseable {

  /** The size of each returned vector. */
  int hiddenSize();

  /** The most tokens one text may have, special tokens included. */
  int contextLength();

  /**
   * The last non-pad token's hidden state of each text, in order.
   *
   * @throws IllegalStateException when the model fails to run
   */
  float[][] lastHiddenStates(List<String> texts);

  /** How many texts were cut from the left to fit the context so far. */
  long truncatedTexts();

  /**
   * An ONNX Runtime backbone: inputs {@code input_ids} and any of {@code attention_mask}, {@code
   * token_type_ids}, {@code position_ids}, {@code past_key_values.N.key|value} (fed empty); output
   * {@code last_hidden_state [b, s, h]} (or as the settings name it). Texts are right-padded.
   *
   * @throws IllegalArgumentException when the model's inputs or outputs are not understood
   * @throws IllegalStateException when the model cannot be loaded, or ONNX Runtime is not on the
   *     class path (the message names the artifacts to add)
   */
  static Backbone onnx(Path model, Tokenizer tokenizer, BackboneSettings settings) {
    OnnxRuntimeCheck.require("Backbone.onnx");
    return new OnnxBackbone(model, tokenizer, settings);
  }

  /** Releases native resources. */
  @Override
  void close();
}
