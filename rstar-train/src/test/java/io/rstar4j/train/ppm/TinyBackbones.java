package io.rstar4j.train.ppm;

import io.rstar4j.core.onnx.ElementType;
import io.rstar4j.core.onnx.OnnxGraphBuilder;
import io.rstar4j.core.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;

/**
 * Test fixtures: a word-hashing tokenizer and a tiny ONNX "encoder" whose hidden state at position
 * t is the sum of the embeddings of tokens 0..t (so the last token's state is a bag of words of the
 * whole text), written with the same graph builder as the training graphs.
 */
final class TinyBackbones {
  static final int VOCAB = 97;

  private TinyBackbones() {}

  /** Splits on whitespace; each word maps to 2 + hash mod (VOCAB - 2); [PAD] = 0, [END] = 1. */
  static final class WordHashTokenizer implements Tokenizer {
    @Override
    public int[] encode(String text) {
      List<Integer> ids = new ArrayList<>();
      for (String w : text.split("\\s+")) {
        if (!w.isEmpty()) {
          ids.add(2 + Math.floorMod(w.hashCode(), VOCAB - 2));
        }
      }
      return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String decode(int[] ids) {
      throw new UnsupportedOperationException("test tokenizer");
    }

    @Override
    public int vocabSize() {
      return VOCAB;
    }

    @Override
    public OptionalInt tokenId(String token) {
      return switch (token) {
        case "[PAD]" -> OptionalInt.of(0);
        case "[END]" -> OptionalInt.of(1);
        default -> OptionalInt.empty();
      };
    }

    @Override
    public StreamingDecoder streamingDecoder() {
      throw new UnsupportedOperationException("test tokenizer");
    }
  }

  /** The tiny model's bytes: input_ids, attention_mask -> last_hidden_state [b, s, hidden]. */
  static byte[] model(int hidden, long seed) {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("tiny_backbone");
    g.input("input_ids", ElementType.INT64, "B", "S");
    g.input("attention_mask", ElementType.INT64, "B", "S");
    Random r = new Random(seed);
    float[] emb = new float[VOCAB * hidden];
    for (int i = 0; i < emb.length; i++) {
      emb[i] = (float) r.nextGaussian();
    }
    String table = g.initializer("embeddings", emb, VOCAB, hidden);
    String gathered = g.gather(table, "input_ids", 0);
    String mask = g.unsqueeze(g.cast("attention_mask", ElementType.FLOAT), -1);
    String summed = g.op("CumSum", g.mul(gathered, mask), g.constantScalar(1));
    g.output(summed, "last_hidden_state", ElementType.FLOAT, "B", "S", hidden);
    return g.toByteArray();
  }

  /** A backbone directory: model.onnx and a placeholder tokenizer.json. */
  static Path writeDir(Path dir, int hidden, long seed) throws IOException {
    Files.createDirectories(dir);
    Files.write(dir.resolve("model.onnx"), model(hidden, seed));
    Files.writeString(dir.resolve("tokenizer.json"), "{\"test\": \"word hash\"}");
    return dir;
  }

  static Backbone open(Path dir, BackboneSettings settings) throws IOException {
    return ProcessPreferenceModel.openBackbone(dir, p -> new WordHashTokenizer(), settings);
  }
}
