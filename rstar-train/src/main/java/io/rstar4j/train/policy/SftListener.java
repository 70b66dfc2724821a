package io.rstar4j.train.policy;

/** Progress of a policy fine-tuning run (every method does nothing by default). */
public interface SftListener {
  /**
   * Training starts (or resumes).
   *
   * @param totalSteps steps of the whole run
   * @param doneSteps steps a checkpoint already holds
   * @param trainRecords records trained on
   * @param heldOutRecords records held out
   * @param truncated records cut to the maximum length
   */
  default void onStart(
      long totalSteps, long doneSteps, int trainRecords, int heldOutRecords, int truncated) {}

  /**
   * One step done.
   *
   * @param epoch the epoch, from 1
   * @param stepInEpoch steps done in this epoch
   * @param stepsPerEpoch steps of an epoch
   * @param loss the step's mean token loss
   * @param learningRate the step's learning rate
   */
  default void onStep(
      int epoch, long stepInEpoch, long stepsPerEpoch, double loss, double learningRate) {}

  /**
   * A malformed line of the SFT file was skipped (the other lines are used).
   *
   * @param file the SFT file
   * @param error the line's number and what is wrong with it
   */
  default void onMalformedLine(java.nio.file.Path file, io.rstar4j.train.data.LineError error) {}

  /** An epoch done (and checkpointed). */
  default void onEpoch(SftResult.Epoch epoch) {}

  /** A listener that does nothing. */
  static SftListener none() {
    return new SftListener() {};
  }
}
