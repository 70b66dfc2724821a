package io.rstar4j.train.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every sentence form of the domain, grouped by event and dimension, and the rule that holds a
 * share of each group out of training.
 *
 * <p>Hold-out: within each group, templates are ranked by a fixed hash of their id (independent of
 * any seed, so a train set and a test set made with different seeds agree), and the first {@code
 * max(1, round(share * size))} of them, at most {@code size - 1}, are held out. The train split
 * uses only the others; the test split uses only the held-out ones. With share 0 nothing is held
 * out and both splits use every template.
 */
final class Templates {
  private Templates() {}

  static final List<Template> ALL = build();

  private static final Map<String, List<Template>> BY_GROUP = groups();

  private static List<Template> build() {
    Catalog c = new Catalog();
    // ---------------------------------------------------------------- distractors
    c.add(
        Event.DISTRACTOR,
        Dim.COUNT,
        "{X} is {k} years old.",
        "{A}'s {relative} has {k} {items2}.",
        "The {place} is {k} kilometers from {A}'s house.",
        "There are {k} students in {A}'s class.",
        "It takes {A} {k} minutes to walk to the {place}.",
        "{A} also has {k} {items2}.",
        "{A}'s {relative} is {k} years old.",
        "The {place} opens at {k} in the morning.");
    // ---------------------------------------------------------------- openings
    c.add(
        Event.GIVEN_COUNT,
        Dim.COUNT,
        "{A} has {k} {items}.",
        "{A} owns {k} {items}.",
        "{A} collected {k} {items}.",
        "There are {k} {items} in {A}'s room.",
        "{A} starts with {k} {items}.",
        "{A} bought {k} {items} at the market.");
    c.add(
        Event.GIVEN_MONEY,
        Dim.MONEY,
        "{A} has {m}.",
        "{A} saved {m}.",
        "{A} has {m} in a piggy bank.",
        "{A} starts the week with {m}.",
        "{A} earned {m} last month.");
    c.add(
        Event.GIVEN_TIME,
        Dim.TIME,
        "{A} {acts} for {k} {unit}.",
        "{A} spends {k} {unit} {acting}.",
        "On Monday, {A} {acts} for {k} {unit}.",
        "{A} spent {k} {unit} {acting} yesterday.");
    c.add(
        Event.GIVEN_DISTANCE,
        Dim.DISTANCE,
        "{A} {acts} {k} {unit}.",
        "On Saturday, {A} {acts} {k} {unit}.",
        "{A} covers {k} {unit} {acting}.",
        "In the morning, {A} {acts} {k} {unit}.");
    c.add(
        Event.GROUPS,
        Dim.COUNT,
        "{A} has {k} {containers} of {items} with {k2} {items} in each {container}.",
        "{A} buys {k} {containers} of {items}, and each {container} holds {k2} {items}.",
        "{A} fills {k} {containers} with {k2} {items} each.",
        "There are {k} {containers} in {A}'s garage, each with {k2} {items}.",
        "{A} has {k} {containers}, and there are {k2} {items} in every {container}.",
        "{A} gets {k} {containers} with {k2} {items} in each one.");
    c.add(
        Event.DOZENS,
        Dim.COUNT,
        "{A} buys {k} dozen {items}.",
        "{A} has {k} dozen {items}.",
        "{A} baked {k} dozen {items}.",
        "{A} brings {k} dozen {items} to the party.",
        "There are {k} dozen {items} in {A}'s kitchen.");
    c.add(
        Event.WAGE,
        Dim.MONEY,
        "{A} earns {m} an hour and works {t} hours.",
        "{A} works {t} hours at {m} per hour.",
        "{A} is paid {m} per hour and works for {t} hours.",
        "{A} makes {m} an hour babysitting and babysits for {t} hours.",
        "For {t} hours of work, {A} gets {m} per hour.");
    c.add(
        Event.SPEED,
        Dim.DISTANCE,
        "{A} {acts} at {r} kilometers per hour for {t} hours.",
        "{A} {acts} for {t} hours at a speed of {r} kilometers per hour.",
        "{A} {acts} {r} kilometers every hour for {t} hours.",
        "For {t} hours, {A} {acts} at {r} kilometers per hour.");
    c.add(
        Event.DAILY,
        Dim.COUNT,
        "{A} makes {r} {items} a day for {t} days.",
        "{A} collects {r} {items} every day for {t} days.",
        "For {t} days, {A} gets {r} {items} each day.",
        "Every day for {t} days, {A} picks up {r} {items}.");
    c.add(
        Event.DAILY,
        Dim.TIME,
        "{A} {acts} for {r} {unit} every day for {t} days.",
        "For {t} days, {A} spends {r} {unit} {acting} each day.",
        "{A} spends {r} {unit} a day {acting}, {t} days in a row.");
    c.add(
        Event.DAILY,
        Dim.DISTANCE,
        "{A} {acts} {r} {unit} every day for {t} days.",
        "For {t} days, {A} {acts} {r} {unit} each day.",
        "{A} {acts} {r} {unit} a day, {t} days in a row.");
    // ---------------------------------------------------------------- changes
    c.add(
        Event.GAIN,
        Dim.COUNT,
        "{S} buys {k} more {items}.",
        "Then {s} finds {k} more {items}.",
        "{X} gives {o} {k} more {items}.",
        "After that, {s} collects another {k} {items}.",
        "Later, {s} receives {k} extra {items}.",
        "{S} gets {k} more {items} from {X}.");
    c.add(
        Event.GAIN,
        Dim.MONEY,
        "{S} earns another {m}.",
        "{X} gives {o} {m}.",
        "Then {s} finds {m} on the street.",
        "{S} gets {m} more for {p} birthday.",
        "Later, {s} saves another {m}.");
    c.add(
        Event.GAIN,
        Dim.TIME,
        "{S} {acts} for another {k} {unit}.",
        "The next day, {s} {acts} for {k} more {unit}.",
        "Then {s} adds {k} more {unit} of {acting}.");
    c.add(
        Event.GAIN,
        Dim.DISTANCE,
        "{S} {acts} another {k} {unit}.",
        "The next day, {s} {acts} {k} more {unit}.",
        "After a short break, {s} {acts} {k} {unit} more.");
    c.add(
        Event.LOSS,
        Dim.COUNT,
        "{S} gives {k} {items} to {X}.",
        "{S} loses {k} of {p} {items}.",
        "Then {s} sells {k} {items}.",
        "Later, {s} gives away {k} {items}.",
        "{S} uses {k} {items} for a school project.",
        "{k} of {p} {items} break, so {s} throws them away.");
    c.add(
        Event.LOSS,
        Dim.MONEY,
        "{S} spends {m} on {thing}.",
        "{S} pays {m} for {thing}.",
        "Then {s} buys {thing} for {m}.",
        "{S} gives {m} to {X}.",
        "Later, {s} loses {m}.");
    c.add(
        Event.SCALE,
        Dim.COUNT,
        "{S} {scaleverb} {p} number of {items}.",
        "By the end of the month, {s} has {times} as many {items} as before.",
        "{P} collection of {items} becomes {times} as large.",
        "After a trade, {s} ends up with {times} as many {items}.",
        "Over the summer, {p} {items} grow to {times} as many.");
    c.add(
        Event.SCALE,
        Dim.MONEY,
        "{S} {scaleverb} {p} savings.",
        "By the end of the year, {s} has {times} as much money as before.",
        "{P} money grows to {times} the amount.");
    c.add(
        Event.REPEAT,
        Dim.COUNT,
        "{S} does this every day for {k} days.",
        "{S} does the same thing for {k} weeks.",
        "{S} repeats this {k} times.");
    c.add(
        Event.REPEAT,
        Dim.MONEY,
        "{S} earns that much every week for {k} weeks.",
        "This happens every day for {k} days.",
        "{S} keeps this up for {k} months.");
    c.add(
        Event.REPEAT,
        Dim.TIME,
        "{S} keeps this up for {k} days.",
        "{S} spends that long {acting} on each of {k} days.",
        "{S} does the same thing {k} times.");
    c.add(
        Event.REPEAT,
        Dim.DISTANCE,
        "{S} covers that distance every day for {k} days.",
        "{S} {acts} that far on each of {k} days.",
        "{S} does this {k} times in a month.");
    c.add(
        Event.PACK,
        Dim.COUNT,
        "{S} packs the {items} into {containers} of {k}.",
        "{S} puts {p} {items} into {containers}, {k} in each {container}.",
        "{S} divides the {items} into groups of {k} and puts each group in a {container}.",
        "{S} packs {k} {items} into each {container}.",
        "{S} arranges the {items} in {containers} that hold {k} each.");
    c.add(
        Event.PRICE,
        Dim.COUNT,
        "{S} sells each {item} for {m}.",
        "Each {item} sells for {m}.",
        "{S} sells the {items} for {m} each.",
        "{S} sells all of them at {m} apiece.",
        "The {items} are sold for {m} each.",
        "Each {item} costs {m}.");
    c.add(
        Event.PCT_DEC,
        Dim.COUNT,
        "{S} sells {pct}% of {p} {items}.",
        "{S} gives away {pct}% of the {items}.",
        "{pct}% of {p} {items} get lost.",
        "{S} donates {pct}% of {p} {items} to a school.",
        "Then {s} uses {pct}% of the {items}.");
    c.add(
        Event.PCT_DEC,
        Dim.MONEY,
        "{S} spends {pct}% of {p} money on {thing}.",
        "{S} donates {pct}% of {p} money to charity.",
        "{S} pays {pct}% of it in taxes.",
        "{S} gives {pct}% of {p} money to {X}.",
        "Then {s} spends {pct}% of the money.");
    c.add(
        Event.PCT_INC,
        Dim.COUNT,
        "{P} collection of {items} grows by {pct}%.",
        "The number of {items} {s} has goes up by {pct}%.",
        "{S} increases the number of {items} by {pct}%.",
        "Over the summer, {p} {items} increase by {pct}%.",
        "{S} adds {pct}% more {items} to the collection.");
    c.add(
        Event.PCT_INC,
        Dim.MONEY,
        "{P} savings grow by {pct}%.",
        "{S} gets a {pct}% bonus on top of that.",
        "The amount of money {s} has increases by {pct}%.",
        "{S} invests the money and it grows by {pct}%.");
    c.add(
        Event.PCT_INC,
        Dim.TIME,
        "The next week, {s} {acts} {pct}% longer than that.",
        "{S} increases that time by {pct}%.");
    c.add(
        Event.PCT_INC,
        Dim.DISTANCE,
        "The next week, {s} {acts} {pct}% farther than that.",
        "{S} increases that distance by {pct}%.");
    c.add(
        Event.PCT_OF,
        Dim.COUNT,
        "{pct}% of {p} {items} are {adj}.",
        "Of the {items}, {pct}% are {adj}.",
        "Only {pct}% of {p} {items} are {adj}.",
        "Among {p} {items}, {pct}% are {adj}.",
        "{pct} percent of the {items} {s} has are {adj}.");
    c.add(
        Event.FRAC_LEFT,
        Dim.COUNT,
        "{S} gives {frac} of {p} {items} to {X}.",
        "{S} sells {frac} of the {items}.",
        "{Frac} of {p} {items} get lost.",
        "Then {s} uses {frac} of the {items}.",
        "{S} donates {frac} of {p} {items} to a school.");
    c.add(
        Event.FRAC_LEFT,
        Dim.MONEY,
        "{S} spends {frac} of {p} money on {thing}.",
        "{S} gives {frac} of the money to {X}.",
        "Then {s} spends {frac} of {p} money.",
        "{S} puts {frac} of {p} money toward {thing}.");
    c.add(
        Event.FRAC_OF,
        Dim.COUNT,
        "{Frac} of {p} {items} are {adj}.",
        "Of the {items}, {frac} are {adj}.",
        "Only {frac} of the {items} {s} has are {adj}.",
        "Among {p} {items}, {frac} are {adj}.",
        "Exactly {frac} of {p} {items} are {adj}.");
    c.add(
        Event.RATE,
        Dim.TIME,
        "{S} {acts} at {r} kilometers per hour.",
        "{P} speed is {r} kilometers per hour.",
        "{S} covers {r} kilometers every hour.");
    // ---------------------------------------------------------------- comparisons
    c.add(
        Event.MORE_THAN,
        Dim.COUNT,
        "{B} has {k} more {items} than {A}.",
        "{B} owns {k} more {items} than {A} does.",
        "{B} has {k} {items} more than {A}.",
        "Compared to {A}, {B} has {k} more {items}.",
        "{B} collected {k} more {items} than {A}.");
    c.add(
        Event.MORE_THAN,
        Dim.MONEY,
        "{B} has {m} more than {A}.",
        "{B} saved {m} more than {A}.",
        "Compared to {A}, {B} has {m} more.");
    c.add(
        Event.MORE_THAN,
        Dim.TIME,
        "{B} {acts} {k} {unit} longer than {A}.",
        "Compared to {A}, {B} {acts} for {k} more {unit}.");
    c.add(
        Event.MORE_THAN,
        Dim.DISTANCE,
        "{B} {acts} {k} {unit} more than {A}.",
        "Compared to {A}, {B} {acts} {k} more {unit}.");
    c.add(
        Event.FEWER_THAN,
        Dim.COUNT,
        "{B} has {k} fewer {items} than {A}.",
        "{B} owns {k} fewer {items} than {A} does.",
        "{B} has {k} {items} less than {A}.",
        "Compared to {A}, {B} has {k} fewer {items}.",
        "{B} collected {k} fewer {items} than {A}.");
    c.add(
        Event.FEWER_THAN,
        Dim.MONEY,
        "{B} has {m} less than {A}.",
        "{B} saved {m} less than {A}.",
        "Compared to {A}, {B} has {m} less.");
    c.add(
        Event.FEWER_THAN,
        Dim.TIME,
        "{B} spends {k} fewer {unit} {acting} than {A}.",
        "Compared to {A}, {B} {acts} for {k} fewer {unit}.");
    c.add(
        Event.FEWER_THAN,
        Dim.DISTANCE,
        "{B} {acts} {k} {unit} less than {A}.",
        "Compared to {A}, {B} {acts} {k} fewer {unit}.");
    c.add(
        Event.TIMES_AS,
        Dim.COUNT,
        "{B} has {times} as many {items} as {A}.",
        "{B} owns {times} as many {items} as {A} does.",
        "{B} collected {times} as many {items} as {A}.",
        "Compared to {A}, {B} has {times} as many {items}.",
        "The number of {items} {B} has is {times} the number {A} has.");
    c.add(
        Event.TIMES_AS,
        Dim.MONEY,
        "{B} has {times} as much money as {A}.",
        "{B} saved {times} as much as {A}.",
        "Compared to {A}, {B} has {times} as much money.");
    c.add(
        Event.TIMES_AS,
        Dim.TIME,
        "{B} {acts} {times} as long as {A}.",
        "Compared to {A}, {B} spends {times} as much time {acting}.");
    c.add(
        Event.TIMES_AS,
        Dim.DISTANCE,
        "{B} {acts} {times} as far as {A}.",
        "Compared to {A}, {B} {acts} {times} the distance.");
    c.add(
        Event.FRACTION_AS,
        Dim.COUNT,
        "{B} has {frac} as many {items} as {A}.",
        "{B} owns {frac} as many {items} as {A} does.",
        "{B} collected {frac} as many {items} as {A}.",
        "Compared to {A}, {B} has {frac} as many {items}.",
        "{B} has only {frac} as many {items} as {A}.");
    c.add(
        Event.FRACTION_AS,
        Dim.MONEY,
        "{B} has {frac} as much money as {A}.",
        "{B} saved {frac} as much as {A}.",
        "Compared to {A}, {B} has only {frac} as much money.");
    c.add(
        Event.FRACTION_AS,
        Dim.TIME,
        "{B} {acts} {frac} as long as {A}.",
        "Compared to {A}, {B} spends {frac} as much time {acting}.");
    c.add(
        Event.FRACTION_AS,
        Dim.DISTANCE,
        "{B} {acts} {frac} as far as {A}.",
        "Compared to {A}, {B} {acts} {frac} the distance.");
    // ---------------------------------------------------------------- questions
    c.add(
        Event.Q_CURRENT,
        Dim.COUNT,
        "How many {items} does {s} have now?",
        "How many {items} does {s} have left?",
        "How many {items} does {s} end up with?",
        "What is the number of {items} {s} has now?",
        "Find how many {items} {s} has in the end.",
        "How many {items} are there in the end?");
    c.add(
        Event.Q_CURRENT,
        Dim.MONEY,
        "How much money does {s} have now?",
        "How many {unit} does {s} have in the end?",
        "How much money, in {unit}, does {s} have left?",
        "What is the amount of money {s} has now, in {unit}?",
        "How many {unit} does {s} end up with?");
    c.add(
        Event.Q_CURRENT,
        Dim.TIME,
        "How many {unit} does {s} spend {acting} in total?",
        "For how many {unit} does {s} {act} altogether?",
        "What is the total time {s} spends {acting}, in {unit}?",
        "How much time, in {unit}, does {s} spend {acting}?");
    c.add(
        Event.Q_CURRENT,
        Dim.DISTANCE,
        "How many {unit} does {s} {act} in total?",
        "How far, in {unit}, does {s} {act} altogether?",
        "What is the total distance {s} covers, in {unit}?",
        "How many {unit} does {s} cover {acting}?");
    c.add(
        Event.Q_TOTAL,
        Dim.COUNT,
        "How many {items} do {A} and {B} have together?",
        "How many {items} do they have in total?",
        "What is the total number of {items} {A} and {B} have?",
        "Altogether, how many {items} do {A} and {B} have?",
        "How many {items} do the two of them have combined?");
    c.add(
        Event.Q_TOTAL,
        Dim.MONEY,
        "How much money do {A} and {B} have together?",
        "How many dollars do they have in total?",
        "What is the total amount of money {A} and {B} have?");
    c.add(
        Event.Q_TOTAL,
        Dim.TIME,
        "How many {unit} do {A} and {B} spend {acting} together?",
        "How many {unit} do they spend {acting} in total?");
    c.add(
        Event.Q_TOTAL,
        Dim.DISTANCE,
        "How many {unit} do {A} and {B} {act} together?",
        "How many {unit} do they {act} in total?");
    c.add(
        Event.Q_DIFFERENCE,
        Dim.COUNT,
        "How many more {items} does {B} have than {A}?",
        "How many fewer {items} does {A} have than {B}?",
        "What is the difference between the number of {items} {B} has and the number {A} has?",
        "How many {items} does {A} need to catch up with {B}?",
        "How many more {items} does {B} have compared to {A}?");
    c.add(
        Event.Q_DIFFERENCE,
        Dim.MONEY,
        "How much more money does {B} have than {A}?",
        "How many more dollars does {B} have than {A}?",
        "How much less money does {A} have than {B}?");
    c.add(
        Event.Q_DIFFERENCE,
        Dim.TIME,
        "How many more {unit} does {B} spend {acting} than {A}?",
        "How many fewer {unit} does {A} spend {acting} than {B}?");
    c.add(
        Event.Q_DIFFERENCE,
        Dim.DISTANCE,
        "How many more {unit} does {B} {act} than {A}?",
        "How many fewer {unit} does {A} {act} than {B}?");
    c.add(
        Event.Q_SHARE,
        Dim.COUNT,
        "If {s} shares the {items} equally among {k} friends, how many {items} does each friend"
            + " get?",
        "If the {items} are divided equally among {k} children, how many does each child get?",
        "How many {items} does each of {k} friends get if {s} shares them equally?",
        "If {s} puts the {items} equally into {k} boxes, how many go in each box?",
        "When the {items} are split equally among {k} people, how many does each person get?");
    c.add(
        Event.Q_SHARE,
        Dim.MONEY,
        "If {s} splits the money equally among {k} friends, how much does each friend get?",
        "If the money is shared equally by {k} people, how many dollars does each person get?",
        "How much money does each of {k} children get if {s} divides it equally?");
    return c.done();
  }

  private static final class Catalog {
    private final List<Template> all = new ArrayList<>();
    private final Map<String, Integer> counts = new LinkedHashMap<>();

    void add(Event e, Dim d, String... texts) {
      for (String t : texts) {
        String group = e + "/" + d;
        int n = counts.merge(group, 1, Integer::sum);
        String id =
            e.name().toLowerCase(java.util.Locale.ROOT)
                + "."
                + d.name().toLowerCase(java.util.Locale.ROOT)
                + "."
                + n;
        all.add(new Template(id, e, d, t));
      }
    }

    List<Template> done() {
      Set<String> texts = new HashSet<>();
      for (Template t : all) {
        if (!texts.add(t.text)) {
          throw new IllegalStateException("template text repeated: " + t.text);
        }
      }
      for (Map.Entry<String, Integer> e : counts.entrySet()) {
        if (e.getValue() < 2) {
          throw new IllegalStateException(
              "template group " + e.getKey() + " needs at least 2 templates for hold-out");
        }
      }
      return List.copyOf(all);
    }
  }

  private static Map<String, List<Template>> groups() {
    Map<String, List<Template>> m = new LinkedHashMap<>();
    for (Template t : ALL) {
      m.computeIfAbsent(t.group(), k -> new ArrayList<>()).add(t);
    }
    Map<String, List<Template>> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<Template>> e : m.entrySet()) {
      out.put(e.getKey(), List.copyOf(e.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }

  /** The templates of a group, in catalog order (empty for an unknown group). */
  static List<Template> group(Event e, Dim d) {
    return BY_GROUP.getOrDefault(e + "/" + d, List.of());
  }

  /** The ids of the templates held out of training at the given share. */
  static Set<String> heldOut(double share) {
    Set<String> out = new HashSet<>();
    if (share <= 0) {
      return out;
    }
    for (List<Template> g : BY_GROUP.values()) {
      List<Template> ranked = new ArrayList<>(g);
      ranked.sort(Comparator.comparingLong((Template t) -> Hashing.of(0x7E57L, t.id)));
      int k = (int) Math.round(share * g.size());
      k = Math.max(1, Math.min(g.size() - 1, k));
      for (int i = 0; i < k; i++) {
        out.add(ranked.get(i).id);
      }
    }
    return out;
  }

  /** The templates one split may use. */
  static final class Selection {
    private final Map<String, List<Template>> byGroup = new java.util.HashMap<>();

    Selection(Split split, double share) {
      Set<String> held = heldOut(share);
      for (Map.Entry<String, List<Template>> e : BY_GROUP.entrySet()) {
        List<Template> keep = new ArrayList<>();
        for (Template t : e.getValue()) {
          boolean isHeld = held.contains(t.id);
          if (held.isEmpty() || (split == Split.TEST) == isHeld) {
            keep.add(t);
          }
        }
        byGroup.put(e.getKey(), List.copyOf(keep));
      }
    }

    List<Template> group(Event e, Dim d) {
      return byGroup.getOrDefault(e + "/" + d, List.of());
    }
  }
}
