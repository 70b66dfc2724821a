package io.rstar4j.train.domain;

import java.math.BigDecimal;

/**
 * What a person holds at one point of a story: a count of things, money, a time or a distance, as a
 * literal from the text or the result of a plan step.
 *
 * @param dim what it measures
 * @param item the thing counted (COUNT only)
 * @param adj an adjective narrowing the item ("red apples"), or null
 * @param unit the unit (MONEY, TIME, DISTANCE)
 * @param activity what the person does (TIME, DISTANCE)
 * @param ref the literal or the step result
 * @param value the exact value
 */
record Quantity(
    Dim dim,
    Lexicon.Item item,
    String adj,
    Unit unit,
    Lexicon.Activity activity,
    Operand ref,
    BigDecimal value) {

  /** The plural noun phrase: {@code red apples}, {@code dollars}, {@code minutes}. */
  String plural() {
    if (dim == Dim.COUNT) {
      return adj == null ? item.plural() : adj + " " + item.plural();
    }
    return unit.word;
  }

  String singular() {
    if (dim == Dim.COUNT) {
      return adj == null ? item.singular() : adj + " " + item.singular();
    }
    return unit.singular;
  }

  /** A name part for variables: {@code red_apples}, {@code money}, {@code minutes}. */
  String varNoun() {
    if (dim == Dim.MONEY) {
      return unit == Unit.CENTS ? "cents" : "money";
    }
    return plural();
  }

  Quantity with(Operand ref, BigDecimal value) {
    return new Quantity(dim, item, adj, unit, activity, ref, value);
  }

  Quantity withUnit(Unit u) {
    return new Quantity(dim, item, adj, u, activity, ref, value);
  }

  /** Same kind of thing: same dimension, item, adjective, unit family and activity. */
  boolean sameKind(Quantity o) {
    return dim == o.dim
        && java.util.Objects.equals(item, o.item)
        && java.util.Objects.equals(adj, o.adj)
        && (unit == null ? o.unit == null : o.unit != null && unit.dim == o.unit.dim)
        && java.util.Objects.equals(activity, o.activity);
  }
}
