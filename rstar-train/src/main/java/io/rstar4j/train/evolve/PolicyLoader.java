package io.rstar4j.train.evolve;

import io.rstar4j.core.Policy;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens a model export directory as a {@link Policy} (for {@link
 * SelfEvolution.Builder#policyFineTuning}: the base model and each round's fine-tuned export).
 */
@FunctionalInterface
public interface PolicyLoader {
  /**
   * The policy over the export in a directory; {@link SelfEvolution} closes it after the round.
   *
   * @throws IOException when it cannot be opened
   */
  Policy load(Path exportDir) throws IOException;
}
