package io.rstar4j.train.evolve;

import io.rstar4j.core.Policy;
import java.io.IOException;

/**
 * Opens the policy a self-evolution round searches with (for example the checkpoint a {@link
 * PolicyTrainer} produced in the previous round). {@link SelfEvolution} closes it after the round.
 */
@FunctionalInterface
public interface PolicySource {

  /**
   * The policy for a round.
   *
   * @param round the round, from 1
   * @throws IOException when it cannot be opened
   */
  Policy open(int round) throws IOException;
}
