package io.rstar4j.core;

/** Why a generation ended. */
public enum StopReason {
  /** A stop string (a step tag) was produced; it is kept at the end of the text. */
  STOP_STRING,
  /** The model produced its end-of-sequence token. */
  END_OF_SEQUENCE,
  /** The token budget ran out. */
  MAX_TOKENS
}
