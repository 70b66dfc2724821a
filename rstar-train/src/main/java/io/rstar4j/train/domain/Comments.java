package io.rstar4j.train.domain;

import java.util.Map;
import java.util.SplittableRandom;

/** The policy's {@code #} comments: a few phrasings per operation kind, chosen per sample. */
final class Comments {
  private Comments() {}

  static String of(Story.ReadStep rs, SplittableRandom rng) {
    Map<String, String> w = rs.words();
    String who = w.get("who");
    String other = w.getOrDefault("other", "");
    String noun = w.get("noun");
    String k = w.getOrDefault("k", "");
    String[] forms =
        switch (rs.plan().kind()) {
          case GROUPS ->
              new String[] {
                who
                    + " has "
                    + w.get("groups")
                    + " groups of "
                    + w.get("each")
                    + " "
                    + noun
                    + ", so multiply",
                "Multiply the number of groups by the " + noun + " in each",
                "Total " + noun + " = groups * " + noun + " per group"
              };
          case RATE_TIME ->
              new String[] {
                "Multiply the amount per "
                    + w.getOrDefault("per", "time")
                    + " by the number of times",
                who + " repeats the same amount, so multiply",
                "Total = rate * time"
              };
          case PRICE ->
              new String[] {
                "Multiply the number of " + noun + " by the price of each",
                "Each costs "
                    + Numbers.money(new java.math.BigDecimal(w.get("price")))
                    + ", so multiply",
                "Money = number of " + noun + " * price"
              };
          case GAIN ->
              new String[] {
                who + " gets " + k + " more, so add them",
                "Add the extra " + k + " " + noun,
                "Add what " + w.get("pronoun") + " gets to what " + w.get("pronoun") + " had"
              };
          case LOSS ->
              new String[] {
                who + " no longer has " + k + " of them, so subtract",
                "Subtract the " + k + " " + noun + " that are gone",
                "Take away " + k
              };
          case SCALE ->
              new String[] {
                "The amount becomes " + k + " times as large",
                "Multiply by " + k,
                who + " ends up with " + k + " times as much"
              };
          case PACK ->
              new String[] {
                "Divide the " + noun + " into groups of " + k,
                "Number of " + w.getOrDefault("containers", "groups") + " = " + noun + " / " + k,
                "Each one holds " + k + ", so divide"
              };
          case SHARE ->
              new String[] {
                "Share equally among " + k + ", so divide",
                "Divide by " + k + " to get each share",
                "Each share = total / " + k
              };
          case PERCENT_OF ->
              new String[] {
                "Find " + w.get("pct") + "% of the " + noun,
                w.get("pct") + "% of them are " + w.get("adj"),
                "Multiply by " + w.get("pct") + " and divide by 100"
              };
          case PERCENT_INCREASE ->
              new String[] {
                "Increase the amount by " + w.get("pct") + "%",
                "Add " + w.get("pct") + "% to the amount",
                "The new amount is " + w.get("pct") + "% more than before"
              };
          case PERCENT_DECREASE ->
              new String[] {
                w.get("pct")
                    + "% goes away, so "
                    + (100 - Integer.parseInt(w.get("pct")))
                    + "% is left",
                "Decrease the amount by " + w.get("pct") + "%",
                "Keep what is left after " + w.get("pct") + "% is gone"
              };
          case FRACTION_OF ->
              new String[] {
                "Take " + w.get("frac") + " of the " + noun,
                w.get("frac") + " of them are " + w.get("adj"),
                "Multiply by the fraction " + w.get("frac")
              };
          case FRACTION_LEFT ->
              new String[] {
                w.get("frac") + " of the " + noun + " is gone, so subtract that part",
                "Keep what is left after " + w.get("frac") + " goes",
                "Subtract " + w.get("frac") + " of the amount"
              };
          case UNIT_CONVERSION ->
              w.containsKey("factor")
                  ? new String[] {
                    "Convert " + w.get("from") + " to " + w.get("to"),
                    "There are " + w.get("factor") + " of the smaller unit in the larger one",
                    "Change the unit from " + w.get("from") + " to " + w.get("to")
                  }
                  : new String[] {
                    "One dozen is 12, so convert the dozens",
                    "Multiply the dozens by 12",
                    "Convert dozens to " + noun
                  };
          case MORE_THAN ->
              new String[] {
                who + " has " + k + " more than " + other,
                "Add " + k + " to " + other + "'s amount",
                who + "'s amount = " + other + "'s amount + " + k
              };
          case FEWER_THAN ->
              new String[] {
                who + " has " + k + " fewer than " + other,
                "Subtract " + k + " from " + other + "'s amount",
                who + "'s amount = " + other + "'s amount - " + k
              };
          case TIMES_AS_MANY ->
              new String[] {
                who + " has " + k + " times as much as " + other,
                "Multiply " + other + "'s amount by " + k,
                who + "'s amount = " + other + "'s amount * " + k
              };
          case FRACTION_AS_MANY ->
              new String[] {
                who + " has " + w.get("frac") + " as much as " + other,
                "Take " + w.get("frac") + " of " + other + "'s amount",
                who + "'s amount is a fraction of " + other + "'s"
              };
          case TOTAL ->
              new String[] {
                "Add both amounts to get the total",
                "Total = " + who + "'s + " + other + "'s",
                "Put the two amounts together"
              };
          case DIFFERENCE ->
              new String[] {
                "Subtract to find how many more " + who + " has than " + other,
                "Difference = " + who + "'s - " + other + "'s",
                "Compare the two amounts by subtracting"
              };
        };
    return forms[rng.nextInt(forms.length)];
  }
}
