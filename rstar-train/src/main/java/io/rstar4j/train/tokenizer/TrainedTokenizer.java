package io.rstar4j.train.tokenizer;

import io.rstar4j.core.tokenizer.Tokenizer;
import io.rstar4j.core.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * A byte-level BPE tokenizer learned by {@link BpeTrainer}: its Hugging Face {@code tokenizer.json}
 * text, loadable by {@link Tokenizers#fromJson(String)} and by Hugging Face tokenizers alike.
 */
public final class TrainedTokenizer {
  private final String json;
  private final int vocabSize;
  private final int merges;
  private final Map<String, Integer> specialTokens;
  private final String eosToken;
  private volatile Tokenizer tokenizer;

  TrainedTokenizer(
      String json, int vocabSize, int merges, Map<String, Integer> specialTokens, String eos) {
    this.json = json;
    this.vocabSize = vocabSize;
    this.merges = merges;
    this.specialTokens = Map.copyOf(specialTokens);
    this.eosToken = eos;
  }

  /** The {@code tokenizer.json} text. */
  public String json() {
    return json;
  }

  /** Number of ids: bytes, merges and special tokens. */
  public int vocabSize() {
    return vocabSize;
  }

  /** Number of learned merges. */
  public int mergeCount() {
    return merges;
  }

  /** The special (added) tokens and their ids. */
  public Map<String, Integer> specialTokens() {
    return specialTokens;
  }

  /** The end-of-sequence token, also used for padding. */
  public String eosToken() {
    return eosToken;
  }

  /** The id of the end-of-sequence (and padding) token. */
  public int eosId() {
    return specialTokens.get(eosToken);
  }

  /** The tokenizer, loaded from {@link #json()} by the project's own loader. */
  public Tokenizer tokenizer() {
    Tokenizer t = tokenizer;
    if (t == null) {
      t = Tokenizers.fromJson(json);
      tokenizer = t;
    }
    return t;
  }

  /**
   * Writes {@code tokenizer.json} atomically (a temporary file in the same directory, then a
   * rename). A directory argument gets {@code tokenizer.json} inside it.
   *
   * @return the file written
   * @throws IOException if it cannot be written
   */
  public Path write(Path fileOrDir) throws IOException {
    Path f = Files.isDirectory(fileOrDir) ? fileOrDir.resolve("tokenizer.json") : fileOrDir;
    Path abs = f.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Path tmp = Files.createTempFile(dir, abs.getFileName().toString(), ".tmp");
    try {
      Files.writeString(tmp, json, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return abs;
  }

  /** Token ids of each text, through {@link #tokenizer()}. */
  public int tokens(List<String> texts) {
    int n = 0;
    for (String t : texts) {
      n += tokenizer().encode(t).length;
    }
    return n;
  }
}
