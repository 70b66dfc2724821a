package io.rstar4j.examples.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small strict parser for {@code --flag value}, {@code --flag=value} and boolean {@code --flag}
 * arguments. Unknown flags and missing values are usage errors.
 */
public final class Args {
  private final Map<String, String> values;
  private final List<String> positional;

  private Args(Map<String, String> values, List<String> positional) {
    this.values = values;
    this.positional = positional;
  }

  /**
   * Parses arguments.
   *
   * @param args the arguments after the subcommand name
   * @param valueFlags flags that take a value (without the leading dashes)
   * @param booleanFlags flags that take none
   * @throws UsageException on an unknown flag or a missing value
   */
  public static Args parse(List<String> args, Set<String> valueFlags, Set<String> booleanFlags) {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("--") && a.length() > 2) {
        String name = a.substring(2);
        String value = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
        if (valueFlags.contains(name)) {
          if (value == null) {
            if (i + 1 >= args.size()) {
              throw new UsageException("--" + name + " needs a value");
            }
            value = args.get(++i);
          }
          values.put(name, value);
        } else if (booleanFlags.contains(name)) {
          if (value != null) {
            throw new UsageException("--" + name + " takes no value");
          }
          values.put(name, "true");
        } else {
          throw new UsageException("unknown option --" + name);
        }
      } else {
        positional.add(a);
      }
    }
    return new Args(values, Collections.unmodifiableList(positional));
  }

  /** Whether the flag was given. */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** The flag's value, or {@code def} when absent. */
  public String get(String name, String def) {
    return values.getOrDefault(name, def);
  }

  /**
   * The flag's value.
   *
   * @throws UsageException when absent
   */
  public String require(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new UsageException("missing required option --" + name);
    }
    return v;
  }

  /**
   * The flag's value as an int, or {@code def}.
   *
   * @throws UsageException when not an integer
   */
  public int getInt(String name, int def) {
    String v = values.get(name);
    if (v == null) {
      return def;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be an integer, was '" + v + "'");
    }
  }

  /**
   * The flag's value as a double, or {@code def}.
   *
   * @throws UsageException when not a number
   */
  public double getDouble(String name, double def) {
    String v = values.get(name);
    if (v == null) {
      return def;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a number, was '" + v + "'");
    }
  }

  /** Arguments that are not flags. */
  public List<String> positional() {
    return positional;
  }
}
