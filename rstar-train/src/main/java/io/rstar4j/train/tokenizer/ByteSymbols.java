package io.rstar4j.train.tokenizer;

/** GPT-2's byte-to-character table: every byte as one printable character. */
final class ByteSymbols {
  static final char[] BYTE_TO_CHAR = table();

  private ByteSymbols() {}

  private static char[] table() {
    char[] out = new char[256];
    boolean[] direct = new boolean[256];
    for (int b = '!'; b <= '~'; b++) {
      direct[b] = true;
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      direct[b] = true;
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      direct[b] = true;
    }
    int n = 0;
    for (int b = 0; b < 256; b++) {
      if (direct[b]) {
        out[b] = (char) b;
      } else {
        out[b] = (char) (256 + n);
        n++;
      }
    }
    return out;
  }

  /** The byte-level string of UTF-8 bytes. */
  static String of(byte[] bytes) {
    char[] c = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      c[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
    }
    return new String(c);
  }
}
