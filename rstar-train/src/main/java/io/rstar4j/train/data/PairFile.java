package io.rstar4j.train.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A preference-pair file read into memory: the pairs in file order and the malformed lines that
 * were skipped.
 *
 * @param pairs the pairs
 * @param errors malformed lines, with their numbers
 */
public record PairFile(List<PreferencePair> pairs, List<LineError> errors) {
  public PairFile {
    pairs = List.copyOf(pairs);
    errors = List.copyOf(errors);
  }

  /**
   * Reads JSON lines of {@link PreferencePair}; blank lines are ignored, malformed ones skipped.
   *
   * @throws UncheckedIOException when reading fails
   */
  public static PairFile read(BufferedReader in) {
    List<PreferencePair> pairs = new ArrayList<>();
    List<LineError> errors = new ArrayList<>();
    long n = 0;
    try {
      String line;
      while ((line = in.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        try {
          pairs.add(PreferencePair.fromJsonLine(line));
        } catch (IllegalArgumentException e) {
          errors.add(new LineError(n, "malformed pair: " + TrainingDataExtractor.message(e)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new PairFile(pairs, errors);
  }

  /**
   * Reads a pair file.
   *
   * @throws IllegalArgumentException when the file does not exist
   */
  public static PairFile read(Path file) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(r);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such pair file: " + file, e);
    }
  }
}
