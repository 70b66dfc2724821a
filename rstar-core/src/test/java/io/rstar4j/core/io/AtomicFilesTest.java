package io.rstar4j.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  static List<String> names(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFailedWriteLeavesTheLastGoodFileAndNoTemporaryFile() throws IOException {
    Path f = dir.resolve("round.json");
    AtomicFiles.writeString(f, "good\n");
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                AtomicFiles.write(
                    f,
                    w -> {
                      w.write("half of the new content");
                      throw new IOException("No space left on device");
                    }));
    assertEquals("good\n", Files.readString(f));
    assertEquals(List.of("round.json"), names(dir));
    assertTrue(e.getMessage().startsWith(f.toAbsolutePath() + ": writing failed"), e.getMessage());
    assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
    assertTrue(e.getMessage().contains("unchanged"), e.getMessage());
  }

  @Test
  void aStreamedOutputIsInvisibleUntilCommitted() throws IOException {
    Path f = dir.resolve("sub/sft.jsonl");
    try (AtomicFiles.Output out = AtomicFiles.open(f)) {
      out.writer().write("line\n");
      out.writer().flush();
      assertTrue(Files.notExists(f));
      out.commit();
    }
    assertEquals("line\n", Files.readString(f));
    try (AtomicFiles.Output out = AtomicFiles.open(f)) {
      out.writer().write("never committed\n");
    }
    assertEquals("line\n", Files.readString(f));
    assertEquals(List.of("sft.jsonl"), names(f.getParent()));
  }

  /**
   * A full disk for real: a tiny tmpfs named by {@code RSTAR_TINY_TMPFS} (CI mounts one, e.g.
   * {@code mount -t tmpfs -o size=64k tmpfs DIR}); skipped without it.
   */
  @Test
  void aFullDiskLeavesTheLastGoodFileAndSaysSo() throws IOException {
    String mount = System.getenv("RSTAR_TINY_TMPFS");
    Assumptions.assumeTrue(mount != null && Files.isDirectory(Path.of(mount)), "no tiny tmpfs");
    Path d = Files.createTempDirectory(Path.of(mount), "atomic");
    try {
      Path f = d.resolve("trees.jsonl");
      AtomicFiles.writeString(f, "good\n");
      IOException e =
          assertThrows(IOException.class, () -> AtomicFiles.writeBytes(f, new byte[4 << 20]));
      assertEquals("good\n", Files.readString(f));
      assertEquals(List.of("trees.jsonl"), names(d));
      assertTrue(e.getMessage().startsWith(f.toAbsolutePath() + ": "), e.getMessage());
      assertTrue(e.getMessage().contains("unchanged"), e.getMessage());
    } finally {
      try (Stream<Path> s = Files.list(d)) {
        for (Path p : s.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(d);
    }
  }

  @Test
  void staleTemporariesOfKilledWritersAreRemovedAndNothingElse() throws IOException {
    Path sub = Files.createDirectories(dir.resolve("round-1"));
    Files.writeString(sub.resolve(".round.json.6721603420051470956.tmp"), "{half");
    Files.writeString(dir.resolve(".sft.jsonl.-12.tmp"), "");
    Files.writeString(sub.resolve("round.json"), "{}");
    Files.writeString(sub.resolve(".hidden"), "keep");
    Files.writeString(sub.resolve("x.tmp"), "keep");
    assertEquals(2, AtomicFiles.removeStaleTemporaries(dir));
    try (Stream<Path> left = Files.walk(dir)) {
      assertEquals(
          List.of(".hidden", "round.json", "x.tmp"),
          left.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).sorted().toList());
    }
  }
}
