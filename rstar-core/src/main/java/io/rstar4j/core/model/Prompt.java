package io.rstar4j.core.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a {@link GenerationRequest} continues: a text, tokenized with the model's tokenizer, or
 * token ids given as they are.
 */
public sealed interface Prompt {

  /**
   * A text prompt (tokenized without special tokens added).
   *
   * @throws NullPointerException if {@code text} is null
   */
  static Prompt text(String text) {
    return new Text(text);
  }

  /**
   * A prompt of token ids (copied).
   *
   * @throws NullPointerException if {@code ids} is null
   */
  static Prompt tokens(int... ids) {
    return new Tokens(ids);
  }

  /**
   * A text prompt.
   *
   * @param text the text
   */
  record Text(String text) implements Prompt {
    /**
     * @throws NullPointerException if {@code text} is null
     */
    public Text {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * A prompt given as token ids. The array is copied in and out, so the value is immutable.
   *
   * @param ids the token ids
   */
  record Tokens(int[] ids) implements Prompt {
    /**
     * @throws NullPointerException if {@code ids} is null
     */
    public Tokens {
      ids = Objects.requireNonNull(ids, "ids").clone();
    }

    /** A copy of the ids. */
    @Override
    public int[] ids() {
      return ids.clone();
    }

    /** The ids without a copy, for the runtime, which does not change them. */
    int[] idsUnsafe() {
      return ids;
    }

    /** The number of ids. */
    public int length() {
      return ids.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Tokens t && Arrays.equals(ids, t.ids);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
      return "Tokens" + Arrays.toString(ids);
    }
  }
}
