package io.rstar4j.train.domain;

/** What a quantity measures. */
enum Dim {
  COUNT,
  MONEY,
  TIME,
  DISTANCE
}
