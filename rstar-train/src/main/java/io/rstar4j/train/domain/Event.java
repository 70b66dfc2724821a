package io.rstar4j.train.domain;

/** What one sentence of a question says; templates are grouped by event and dimension. */
enum Event {
  DISTRACTOR(Role.DISTRACTOR),
  GIVEN_COUNT(Role.OPENING),
  GIVEN_MONEY(Role.OPENING),
  GIVEN_TIME(Role.OPENING),
  GIVEN_DISTANCE(Role.OPENING),
  GROUPS(Role.OPENING),
  DOZENS(Role.OPENING),
  WAGE(Role.OPENING),
  SPEED(Role.OPENING),
  DAILY(Role.OPENING),
  GAIN(Role.BODY),
  LOSS(Role.BODY),
  SCALE(Role.BODY),
  REPEAT(Role.BODY),
  PACK(Role.BODY),
  PRICE(Role.BODY),
  PCT_DEC(Role.BODY),
  PCT_INC(Role.BODY),
  PCT_OF(Role.BODY),
  FRAC_LEFT(Role.BODY),
  FRAC_OF(Role.BODY),
  RATE(Role.BODY),
  MORE_THAN(Role.BODY),
  FEWER_THAN(Role.BODY),
  TIMES_AS(Role.BODY),
  FRACTION_AS(Role.BODY),
  Q_CURRENT(Role.QUESTION),
  Q_TOTAL(Role.QUESTION),
  Q_DIFFERENCE(Role.QUESTION),
  Q_SHARE(Role.QUESTION);

  /** Where in a question a sentence of this event goes. */
  enum Role {
    OPENING,
    BODY,
    QUESTION,
    DISTRACTOR
  }

  final Role role;

  Event(Role role) {
    this.role = role;
  }

  /** Whether the sentence introduces a second person from the first one. */
  boolean isComparison() {
    return this == MORE_THAN || this == FEWER_THAN || this == TIMES_AS || this == FRACTION_AS;
  }
}
