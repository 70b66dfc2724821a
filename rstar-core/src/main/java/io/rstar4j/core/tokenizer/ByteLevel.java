package io.rstar4j.core.tokenizer;

import java.util.Arrays;

/**
 * The GPT-2 byte-level alphabet: every byte maps to one printable character (printable Latin-1
 * bytes map to themselves, the others to U+0100 and up), so any UTF-8 text becomes a string of
 * vocabulary symbols.
 */
final class ByteLevel {
  /** byte (0..255) to its symbol. */
  static final char[] BYTE_TO_CHAR = new char[256];

  /** symbol to byte, -1 where the character is not a symbol; indexed by char up to 0x143. */
  private static final int[] CHAR_TO_BYTE = new int[0x144];

  static {
    Arrays.fill(CHAR_TO_BYTE, -1);
    int n = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      char c = printable ? (char) b : (char) (256 + n++);
      BYTE_TO_CHAR[b] = c;
      CHAR_TO_BYTE[c] = b;
    }
  }

  private ByteLevel() {}

  /** The byte of a symbol, or -1 when the character is not a byte-level symbol. */
  static int byteOf(char c) {
    return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
  }

  /** The symbol string of a byte sequence. */
  static String symbols(byte[] bytes) {
    char[] cs = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      cs[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
    }
    return new String(cs);
  }

  /**
   * The bytes a vocabulary token stands for: its symbols mapped back to bytes, or (as Hugging Face
   * does) the token's own UTF-8 when one of its characters is not a symbol.
   */
  static byte[] bytesOf(String token) {
    byte[] out = new byte[token.length()];
    for (int i = 0; i < token.length(); i++) {
      int b = byteOf(token.charAt(i));
      if (b < 0) {
        return token.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      }
      out[i] = (byte) b;
    }
    return out;
  }
}
