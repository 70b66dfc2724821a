package io.rstar4j.train.evolve;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The policy fine-tuning step of a self-evolution round, which ONNX Runtime cannot run: implement
 * it to call an external trainer (a script that fine-tunes the base model on the round's SFT data
 * and exports it, or a request to a training service), and give {@link SelfEvolution} a {@link
 * PolicySource} that opens what it produced for the next round.
 */
@FunctionalInterface
public interface PolicyTrainer {

  /**
   * Fine-tunes the policy on one round's SFT data. Called once per round (a resumed run does not
   * call it again for a round whose status says it ran).
   *
   * @param round the round, from 1
   * @param sftFile the round's SFT records, {@code {"query", "response"}} per line
   * @param roundDir the round's directory (a place for the trainer's outputs)
   * @return a short description kept in the round's status (e.g. the new checkpoint's path)
   * @throws IOException when the trainer fails; the round stays unfinished and a rerun retries it
   */
  String train(int round, Path sftFile, Path roundDir) throws IOException;

  /**
   * The default: no fine-tuning. Every round searches with the same policy; each call logs that it
   * left the policy unchanged.
   */
  static PolicyTrainer unchanged() {
    return (round, sftFile, roundDir) -> {
      System.getLogger(PolicyTrainer.class.getName())
          .log(
              System.Logger.Level.WARNING,
              "round {0}: policy fine-tuning skipped (no PolicyTrainer configured): the next round"
                  + " searches with the unchanged policy; the SFT data is in {1}",
              round,
              sftFile);
      return "unchanged (no policy trainer configured)";
    };
  }
}
