package io.rstar4j.train.ppm;

import io.rstar4j.core.PromptTemplate;
import io.rstar4j.train.data.PreferencePair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A synthetic word-problem task where the better step is knowable. Each question states how many
 * things someone has and how many they get or give away; the prompt holds a first step that stores
 * the starting amount. The chosen second step applies the change the question states, with its
 * number and its things. The rejected one, depending on the flaw:
 *
 * <ul>
 *   <li>{@link Flaw#DROPS_FACT}: drops the key fact and works with a quantity the question never
 *       mentions (another number of other things), arithmetic and output consistent;
 *   <li>{@link Flaw#WRONG_OPERATION}: the right quantity with the opposite operation;
 *   <li>{@link Flaw#WRONG_ARITHMETIC}: the right code with a wrong printed output.
 * </ul>
 */
final class SyntheticMath {
  static final String[] NAMES = {"Tom", "Ana", "Li", "Sara", "Omar", "Mia", "Ravi", "Ines"};
  static final String[] THINGS = {
    "apples",
    "books",
    "coins",
    "pencils",
    "stamps",
    "marbles",
    "cards",
    "shells",
    "cookies",
    "stickers"
  };

  enum Flaw {
    DROPS_FACT,
    WRONG_OPERATION,
    WRONG_ARITHMETIC
  }

  private SyntheticMath() {}

  static List<PreferencePair> pairs(int questions, long seed, Flaw flaw) {
    Random r = new Random(seed);
    List<PreferencePair> out = new ArrayList<>();
    for (int q = 0; q < questions; q++) {
      String name = NAMES[r.nextInt(NAMES.length)];
      String thing = THINGS[r.nextInt(THINGS.length)];
      int a = 10 + r.nextInt(80);
      int b = 2 + r.nextInt(48);
      boolean add = r.nextBoolean();
      String question =
          add
              ? name
                  + " has "
                  + a
                  + " "
                  + thing
                  + " and gets "
                  + b
                  + " more. How many "
                  + thing
                  + " now?"
              : name
                  + " has "
                  + a
                  + " "
                  + thing
                  + " and gives away "
                  + b
                  + ". How many "
                  + thing
                  + " are left?";
      String prompt =
          PromptTemplate.TRAINING.head(question)
              + "<code>\n# Step 1: start from the "
              + thing
              + " "
              + name
              + " has\nstart = "
              + a
              + "\n<end_of_step>";
      String pos = step(add, b, thing, add ? a + b : a - b);
      String neg;
      switch (flaw) {
        case DROPS_FACT -> {
          int c;
          do {
            c = 2 + r.nextInt(48); // as plausible as b, but not in the question
          } while (c == b || c == a);
          String other;
          do {
            other = THINGS[r.nextInt(THINGS.length)];
          } while (other.equals(thing));
          neg = step(add, c, other, add ? a + c : a - c);
        }
        case WRONG_OPERATION -> neg = step(!add, b, thing, add ? a - b : a + b);
        default -> {
          int off = (1 + r.nextInt(9)) * (r.nextBoolean() ? 1 : -1);
          neg = step(add, b, thing, (add ? a + b : a - b) + off);
        }
      }
      out.add(new PreferencePair(prompt, neg, pos, 1, 1));
    }
    return out;
  }

  private static String step(boolean add, int n, String thing, int result) {
    return "<code>\n# Step 2: "
        + (add ? "add the " : "take away the ")
        + n
        + " "
        + thing
        + "\nresult = start "
        + (add ? "+ " : "- ")
        + n
        + "\nprint(result)\n<end_of_code>\n<output>"
        + result
        + "<end_of_output>";
  }
}
