package io.rstar4j.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The command tests' golden inputs and outputs: the saved trees of the three golden examples (this
 * module's {@code /train/golden-trees.jsonl}), and their reference SFT records and preference pairs
 * from the one copy of the golden trees (the rstar-mcts test jar, {@code /golden-trees/} on the
 * class path), concatenated in example order (the test-time example yields none).
 */
final class GoldenFiles {
  private static final List<String> WITH_DATA =
      List.of("example-1-terminal-guided", "example-2-ppm-augmented");

  private GoldenFiles() {}

  /**
   * The saved trees of the three examples as {@code rstar extract} reads them, one JSON line each
   * (the test-time example without its gold answer, as a test-time search saves it).
   */
  static String trees() {
    return readResource("/train/golden-trees.jsonl");
  }

  /** The reference SFT records of the examples. */
  static String sft() {
    return concat(".sft.jsonl");
  }

  /** The reference preference pairs of the examples. */
  static String pairs() {
    return concat(".pairs.jsonl");
  }

  /** The reference preference pairs of the examples before filtering. */
  static String pairsUnfiltered() {
    return concat(".pairs-unfiltered.jsonl");
  }

  private static String concat(String suffix) {
    StringBuilder out = new StringBuilder();
    for (String id : WITH_DATA) {
      out.append(read(id + suffix));
    }
    return out.toString();
  }

  private static String read(String name) {
    return readResource("/golden-trees/" + name);
  }

  private static String readResource(String resource) {
    try (InputStream in = GoldenFiles.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
