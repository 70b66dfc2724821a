package io.rstar4j.core.model;

import io.rstar4j.core.testing.TinyQwen2;
import io.rstar4j.core.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A test-only tokenizer over the tiny decoders' vocabulary: encodes text as its UTF-8 bytes (one
 * token per byte, special tokens matched), decodes every id of the vocabulary (merged tokens and
 * special tokens included). Good enough to drive the model in tests independently of the BPE
 * tokenizer.
 */
final class ByteTestTokenizer implements Tokenizer {
  private final byte[][] bytesOf;

  ByteTestTokenizer() {
    Map<String, Integer> vocab = TinyQwen2.vocab();
    char[] table = TinyQwen2.byteToUnicode();
    int[] byteOfChar = new int[512];
    for (int b = 0; b < 256; b++) {
      byteOfChar[table[b]] = b;
    }
    bytesOf = new byte[TinyQwen2.vocabSize()][];
    vocab.forEach(
        (s, id) -> {
          byte[] out = new byte[s.length()];
          for (int i = 0; i < s.length(); i++) {
            out[i] = (byte) byteOfChar[s.charAt(i)];
          }
          bytesOf[id] = out;
        });
    for (String sp : TinyQwen2.SPECIAL_TOKENS) {
      bytesOf[TinyQwen2.specialTokenId(sp)] = sp.getBytes(StandardCharsets.UTF_8);
    }
  }

  @Override
  public int[] encode(String text) {
    ByteArrayOutputStream ids = new ByteArrayOutputStream();
    java.util.List<Integer> out = new java.util.ArrayList<>();
    int i = 0;
    outer:
    while (i < text.length()) {
      for (String sp : TinyQwen2.SPECIAL_TOKENS) {
        if (text.startsWith(sp, i)) {
          out.add(TinyQwen2.specialTokenId(sp));
          i += sp.length();
          continue outer;
        }
      }
      int cp = text.codePointAt(i);
      for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
        out.add(b & 0xFF);
      }
      i += Character.charCount(cp);
    }
    ids.reset();
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public String decode(int[] ids) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int id : ids) {
      b.writeBytes(bytesOf[id]);
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  @Override
  public int vocabSize() {
    return bytesOf.length;
  }

  @Override
  public OptionalInt tokenId(String token) {
    int i = TinyQwen2.SPECIAL_TOKENS.indexOf(token);
    return i < 0 ? OptionalInt.empty() : OptionalInt.of(TinyQwen2.specialTokenId(token));
  }

  @Override
  public StreamingDecoder streamingDecoder() {
    return new StreamingDecoder() {
      private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

      @Override
      public String push(int id) {
        pending.writeBytes(bytesOf[id]);
        byte[] all = pending.toByteArray();
        int complete = completePrefix(all);
        pending.reset();
        pending.write(all, complete, all.length - complete);
        return new String(all, 0, complete, StandardCharsets.UTF_8);
      }

      @Override
      public String flush() {
        String s = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return s;
      }
    };
  }

  /** Length of the prefix that does not end inside an unfinished UTF-8 sequence. */
  private static int completePrefix(byte[] b) {
    int n = b.length;
    int i = n - 1;
    int back = 0;
    while (i >= 0 && back < 4 && (b[i] & 0xC0) == 0x80) {
      i--;
      back++;
    }
    if (i < 0) {
      return n;
    }
    int lead = b[i] & 0xFF;
    int need = lead >= 0xF0 && lead < 0xF8 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (lead >= 0xF8 || lead < 0xC0) {
      return n;
    }
    return n - i >= need ? n : i;
  }
}
