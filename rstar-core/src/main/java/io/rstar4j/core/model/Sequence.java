package io.rstar4j.core.model;

import io.rstar4j.core.SamplingParams;
import io.rstar4j.core.StopReason;
import io.rstar4j.core.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One sample being generated: its tokens so far, its text (decoded as it goes when stop strings are
 * watched), its random generator and, once it ended, why. Mutable; owned by one generation call.
 */
final class Sequence {
  final int request;
  final int sample;
  final int promptLength;
  final int budget;
  final SplittableRandom rnd;
  private final Tokenizer tokenizer;
  private final StringBuilder decoded;
  private final Tokenizer.StreamingDecoder decoder;

  private int[] generated = new int[16];
  private int count;

  /** Left padding of this row in the current batch. */
  int pad;

  boolean done;
  long endNanos;
  StopReason reason;
  String text;

  Sequence(
      int request,
      int sample,
      int promptLength,
      int budget,
      SplittableRandom rnd,
      Tokenizer tokenizer,
      boolean decodeAsItGoes) {
    this.request = request;
    this.sample = sample;
    this.promptLength = promptLength;
    this.budget = budget;
    this.rnd = rnd;
    this.tokenizer = tokenizer;
    this.decoded = decodeAsItGoes ? new StringBuilder() : null;
    this.decoder = decodeAsItGoes ? tokenizer.streamingDecoder() : null;
  }

  /**
   * The generator of sample {@code sample} of a prompt: with a seed, seeded by (seed, prompt
   * tokens, sample), so that results do not depend on what else is in the batch; else split from
   * {@code seeder}.
   */
  static SplittableRandom random(
      SamplingParams params, int[] prompt, int sample, SplittableRandom seeder) {
    if (params.seed().isEmpty()) {
      return seeder.split();
    }
    long h = params.seed().getAsLong() * 0x9E3779B97F4A7C15L + Arrays.hashCode(prompt);
    h = mix(h) + sample * 0xBF58476D1CE4E5B9L;
    return new SplittableRandom(mix(h));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Tokens generated so far. */
  int count() {
    return count;
  }

  /** The token generated at {@code i}. */
  int token(int i) {
    return generated[i];
  }

  /** The last token generated. */
  int last() {
    return generated[count - 1];
  }

  void append(int token) {
    if (count == generated.length) {
      generated = Arrays.copyOf(generated, count * 2);
    }
    generated[count++] = token;
  }

  /** Whether the text is decoded token by token (to watch for stop strings). */
  boolean decodesAsItGoes() {
    return decoded != null;
  }

  /** Decodes the last token onto the text; returns the text's length before it. */
  int decodeLast() {
    int before = decoded.length();
    decoded.append(decoder.push(last()));
    return before;
  }

  /** The text decoded so far (only when decoding as it goes). */
  StringBuilder decoded() {
    return decoded;
  }

  /** Ends the sample at a stop string whose end is at {@code textEnd} of the decoded text. */
  void endAtStop(int textEnd) {
    text = decoded.substring(0, textEnd);
    markDone(StopReason.STOP_STRING);
  }

  /**
   * Ends the sample for {@code why}; {@code dropLast} leaves the last token (an end-of-sequence
   * token) out of the text.
   */
  void end(StopReason why, boolean dropLast) {
    if (decoded != null) {
      text = decoded.append(decoder.flush()).toString();
    } else {
      int n = dropLast ? count - 1 : count;
      text = tokenizer.decode(Arrays.copyOf(generated, n));
    }
    markDone(why);
  }

  private void markDone(StopReason why) {
    done = true;
    reason = why;
    endNanos = System.nanoTime();
  }

  /** The finished sample. */
  Completion completion() {
    List<Integer> toks = new ArrayList<>(count);
    for (int t = 0; t < count; t++) {
      toks.add(generated[t]);
    }
    return new Completion(text, toks, reason);
  }
}
