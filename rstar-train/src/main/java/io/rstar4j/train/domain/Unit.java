package io.rstar4j.train.domain;

/** Units of money, time and distance, with their size in the family's smallest unit. */
enum Unit {
  DOLLARS(Dim.MONEY, "dollars", "dollar", 100),
  CENTS(Dim.MONEY, "cents", "cent", 1),
  HOURS(Dim.TIME, "hours", "hour", 60),
  MINUTES(Dim.TIME, "minutes", "minute", 1),
  KILOMETERS(Dim.DISTANCE, "kilometers", "kilometer", 1000),
  METERS(Dim.DISTANCE, "meters", "meter", 1);

  final Dim dim;
  final String word;
  final String singular;
  final int base;

  Unit(Dim dim, String word, String singular, int base) {
    this.dim = dim;
    this.word = word;
    this.singular = singular;
    this.base = base;
  }

  static Unit byWord(String w) {
    for (Unit u : values()) {
      if (u.word.equals(w)) {
        return u;
      }
    }
    return null;
  }

  /** The other unit of the same family. */
  Unit other() {
    return switch (this) {
      case DOLLARS -> CENTS;
      case CENTS -> DOLLARS;
      case HOURS -> MINUTES;
      case MINUTES -> HOURS;
      case KILOMETERS -> METERS;
      case METERS -> KILOMETERS;
    };
  }
}
