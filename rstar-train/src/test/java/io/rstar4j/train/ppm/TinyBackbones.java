package io.rstar4j.train.ppm;

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
    OnnxGraph g = new OnnxGraph("tiny_backbone", OnnxGraph.FLOAT);
    g.typedInput("input_ids", OnnxGraph.INT64, "B", "S");
    g.typedInput("attention_mask", OnnxGraph.INT64, "B", "S");
    Random r = new Random(seed);
    double[] emb = new double[VOCAB * hidden];
    for (int i = 0; i < emb.length; i++) {
      emb[i] = r.nextGaussian();
    }
    String table = g.tensor(emb, VOCAB, hidden);
    String gathered = g.op("Gather", table, "input_ids");
    String mask = g.op("Unsqueeze", g.cast("attention_mask"), g.longs(-1));
    String masked = g.op("Mul", gathered, mask);
    g.opTo("last_hidden_state", "CumSum", masked, g.longs(1));
    g.output("last_hidden_state", "B", "S", hidden);
    return g.toBytes();
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
