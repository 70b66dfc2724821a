package io.rstar4j.core.tokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code tokenizer.json} read in one streaming pass: the model's vocabulary and merges go
 * straight into a map and a list (a Gson tree of 150k entries would cost seconds), everything else
 * is kept as small JSON trees.
 */
final class TokenizerJson {
  /** Everything except {@code model}. */
  final JsonObject root = new JsonObject();

  /**
   * The model's fields except {@code vocab} (when an object) and {@code merges} (when an array).
   */
  final JsonObject model = new JsonObject();

  boolean hasModel;

  /** The vocabulary, or null when {@code model.vocab} is absent or not an object. */
  Map<String, Integer> vocab;

  /** The merges in rank order, each a pair; null when absent. */
  List<String[]> merges;

  /** Why a merge could not be read, or null. */
  String mergeError;

  private TokenizerJson() {}

  /**
   * Reads a tokenizer.json.
   *
   * @throws IOException on malformed JSON or a read error
   * @throws IllegalStateException when the JSON's shape is wrong (e.g. a vocabulary id that is not
   *     a number)
   */
  static TokenizerJson read(Reader in) throws IOException {
    TokenizerJson t = new TokenizerJson();
    JsonReader r = new JsonReader(in);
    if (r.peek() != JsonToken.BEGIN_OBJECT) {
      throw new NotATokenizerException();
    }
    r.beginObject();
    while (r.hasNext()) {
      String name = r.nextName();
      if (name.equals("model") && r.peek() == JsonToken.BEGIN_OBJECT) {
        t.hasModel = true;
        t.readModel(r);
      } else {
        t.root.add(name, JsonParser.parseReader(r));
      }
    }
    r.endObject();
    if (r.peek() != JsonToken.END_DOCUMENT) {
      throw new IOException("content after the JSON object");
    }
    return t;
  }

  /** The text is JSON but not a JSON object. */
  static final class NotATokenizerException extends IOException {
    private static final long serialVersionUID = 1L;
  }

  private void readModel(JsonReader r) throws IOException {
    r.beginObject();
    while (r.hasNext()) {
      String name = r.nextName();
      JsonToken next = r.peek();
      if (name.equals("vocab") && next == JsonToken.BEGIN_OBJECT) {
        vocab = new HashMap<>(1 << 16);
        r.beginObject();
        while (r.hasNext()) {
          String token = r.nextName();
          vocab.put(token, r.nextInt());
        }
        r.endObject();
      } else if (name.equals("merges") && next == JsonToken.BEGIN_ARRAY) {
        merges = new ArrayList<>(1 << 12);
        r.beginArray();
        while (r.hasNext()) {
          JsonToken k = r.peek();
          if (k == JsonToken.STRING) {
            String line = r.nextString();
            int sp = line.indexOf(' ');
            if (sp < 0 || line.indexOf(' ', sp + 1) >= 0) {
              fail(
                  "merge "
                      + merges.size()
                      + " must be two tokens separated by one space: \""
                      + line
                      + "\"");
              merges.add(null);
            } else {
              merges.add(new String[] {line.substring(0, sp), line.substring(sp + 1)});
            }
          } else if (k == JsonToken.BEGIN_ARRAY) {
            JsonElement pair = JsonParser.parseReader(r);
            if (pair.getAsJsonArray().size() != 2) {
              fail("merge " + merges.size() + " must have two parts: " + pair);
              merges.add(null);
            } else {
              merges.add(
                  new String[] {
                    pair.getAsJsonArray().get(0).getAsString(),
                    pair.getAsJsonArray().get(1).getAsString()
                  });
            }
          } else {
            fail("merge " + merges.size() + " must be a string \"a b\" or an array [\"a\", \"b\"]");
            r.skipValue();
            merges.add(null);
          }
        }
        r.endArray();
      } else {
        model.add(name, JsonParser.parseReader(r));
      }
    }
    r.endObject();
  }

  private void fail(String message) {
    if (mergeError == null) {
      mergeError = message;
    }
  }
}
