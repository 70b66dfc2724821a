package io.rstar4j.core.tokenizer;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Large test assets fetched by {@code .ci/install.d/20-test-assets.sh} into {@code
 * .cache/test-assets/} at the repository root (never committed). A missing asset fails the test
 * when the environment variable {@code CI} is set, and skips it otherwise.
 */
final class TestAssets {
  static final String QWEN3_TOKENIZER = "tokenizer-qwen3/tokenizer.json";

  private TestAssets() {}

  /** The asset's path; fails (under CI) or skips the calling test when it is missing. */
  static Path require(String relative) {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      Path candidate = d.resolve(".cache/test-assets").resolve(relative);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    String message =
        "test asset .cache/test-assets/"
            + relative
            + " is missing (looked upwards from "
            + dir
            + "); fetch it with: bash .ci/install.d/20-test-assets.sh";
    if (System.getenv("CI") != null) {
      fail(message);
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }
}
