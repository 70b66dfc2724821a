package io.rstar4j.train.domain;

/** Seed mixing for reproducible draws (SplitMix64 finalisers and FNV-1a over text). */
final class Hashing {
  private Hashing() {}

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A hash of the values, order-sensitive. */
  static long mix(long... values) {
    long h = 0x9E3779B97F4A7C15L;
    for (long v : values) {
      h = mix(h ^ mix(v + 0x9E3779B97F4A7C15L));
    }
    return h;
  }

  /** FNV-1a over the UTF-16 code units of the text, then mixed with the salt. */
  static long of(long salt, String text) {
    long h = 0xCBF29CE484222325L;
    for (int i = 0; i < text.length(); i++) {
      h ^= text.charAt(i);
      h *= 0x100000001B3L;
    }
    return mix(salt, h);
  }
}
