package io.rstar4j.train.ppm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The quantized all-MiniLM-L6-v2 encoder from the langchain4j test artifact, as a backbone dir. */
final class MiniLm {
  private MiniLm() {}

  static Path writeDir(Path dir) throws IOException {
    Files.createDirectories(dir);
    copy("/all-minilm-l6-v2-q.onnx", dir.resolve("model.onnx"));
    copy("/all-minilm-l6-v2-q-tokenizer.json", dir.resolve("tokenizer.json"));
    return dir;
  }

  private static void copy(String resource, Path to) throws IOException {
    try (InputStream in = MiniLm.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "missing " + resource + " (langchain4j all-minilm-l6-v2-q)");
      }
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
