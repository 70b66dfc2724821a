package io.rstar4j.core.model;

import io.rstar4j.core.StopReason;
import java.util.List;
import java.util.Set;

/**
 * Decides when a sample ends: at an end-of-sequence token, at the first stop string in its decoded
 * text (found across token boundaries, searched only where the newest piece of text can complete
 * one), or at its token budget. Immutable.
 */
final class StopMatcher {
  private final boolean[] eos;
  private final List<String> stops;
  private final int maxStop;

  private StopMatcher(boolean[] eos, List<String> stops) {
    this.eos = eos;
    this.stops = stops;
    int m = 0;
    for (String s : stops) {
      m = Math.max(m, s.length());
    }
    this.maxStop = m;
  }

  /** A matcher of the model's end-of-sequence ids, without stop strings. */
  static StopMatcher forEos(Set<Integer> eosTokenIds) {
    int maxEos = -1;
    for (int id : eosTokenIds) {
      maxEos = Math.max(maxEos, id);
    }
    boolean[] bits = new boolean[maxEos + 1]; // ids past its end are not EOS
    for (int id : eosTokenIds) {
      if (id >= 0) {
        bits[id] = true;
      }
    }
    return new StopMatcher(bits, List.of());
  }

  /** This matcher's end-of-sequence ids with these stop strings. */
  StopMatcher withStops(List<String> stopStrings) {
    return new StopMatcher(eos, List.copyOf(stopStrings));
  }

  /** Whether samples must be decoded as they go (there are stop strings to watch). */
  boolean watchesText() {
    return !stops.isEmpty();
  }

  /**
   * Appends a sampled token to a sample and ends it if the token, the text or the budget says so.
   */
  void accept(Sequence s, int token) {
    s.append(token);
    if (token >= 0 && token < eos.length && eos[token]) {
      s.end(StopReason.END_OF_SEQUENCE, true);
      return;
    }
    if (s.decodesAsItGoes()) {
      int before = s.decodeLast();
      StringBuilder text = s.decoded();
      if (text.length() > before) {
        int end = firstStopEnd(text, Math.max(0, before - maxStop + 1));
        if (end >= 0) {
          s.endAtStop(end);
          return;
        }
      }
    }
    if (s.count() >= s.budget) {
      s.end(StopReason.MAX_TOKENS, false);
    }
  }

  /** The end of the earliest stop string starting at or after {@code from}, or -1. */
  private int firstStopEnd(StringBuilder text, int from) {
    int best = -1;
    int bestEnd = -1;
    for (String s : stops) {
      int i = text.indexOf(s, from);
      if (i >= 0 && (best < 0 || i < best)) {
        best = i;
        bestEnd = i + s.length();
      }
    }
    return bestEnd;
  }
}
