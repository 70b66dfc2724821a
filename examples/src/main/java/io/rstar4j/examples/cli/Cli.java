package io.rstar4j.examples.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.MaxValuesExceededException;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * How the {@code rstar} commands parse their flags with picocli, and the usage errors they report.
 *
 * <p>The rules the command line has always had: {@code --flag value} or {@code --flag=value}; a
 * flag's value is the next argument whatever it looks like; the last of a repeated flag wins;
 * switches take no value; names are exact (no abbreviations); {@code --}, {@code -x} and {@code
 * @file} are plain arguments; numbers are trimmed before they are parsed. A usage error is one
 * line, in the first of these that applies: an unknown flag; an argument that is not a flag (for
 * commands that take none); then the first problem picocli met.
 */
final class Cli {
  static final int USAGE_WIDTH = 100;

  private Cli() {}

  /** A command's {@link CommandLine}, set up with the rules above and the help layout. */
  static CommandLine commandLine(Object command) {
    CommandLine cl = new CommandLine(command);
    cl.registerConverter(Integer.class, v -> parseInt(v));
    cl.registerConverter(int.class, v -> parseInt(v));
    cl.registerConverter(Long.class, v -> parseLong(v));
    cl.registerConverter(long.class, v -> parseLong(v));
    cl.registerConverter(Double.class, v -> parseDouble(v));
    cl.registerConverter(double.class, v -> parseDouble(v));
    layout(cl.getCommandSpec().usageMessage());
    return cl;
  }

  /** Applies the parsing rules to {@code cl} and the subcommands it has now. */
  static CommandLine rules(CommandLine cl) {
    return cl.setUnmatchedArgumentsAllowed(true)
        .setOverwrittenOptionsAllowed(true)
        .setAllowOptionsAsOptionParameters(true)
        .setExpandAtFiles(false)
        .setPosixClusteredShortOptionsAllowed(false)
        // no end-of-options marker: "--" has always been a plain argument (NUL never reaches
        // main: no command line can hold it)
        .setEndOfOptionsDelimiter("\0")
        .setUsageHelpWidth(USAGE_WIDTH);
  }

  private static void layout(UsageMessageSpec u) {
    u.synopsisHeading("usage: ")
        .descriptionHeading("%n")
        .optionListHeading("%noptions:%n")
        .commandListHeading("%ncommands:%n")
        .sortOptions(false)
        .sortSynopsis(false)
        .abbreviateSynopsis(false)
        .width(USAGE_WIDTH);
  }

  /**
   * Parses {@code args} into the command's fields.
   *
   * @param takesArguments whether arguments that are not flags are a usage error (false) or ignored
   *     (true)
   * @throws UsageException with the one-line message of the first usage error
   */
  static void parse(CommandLine cl, List<String> args, boolean ignoresArguments) {
    ParameterException failure = null;
    try {
      cl.parseArgs(args.toArray(new String[0]));
    } catch (ParameterException e) {
      failure = e;
    }
    List<String> unmatched = cl.getUnmatchedArguments();
    for (String u : unmatched) {
      if (isFlag(u)) {
        throw new UsageException("unknown option " + flagName(u));
      }
    }
    if (!ignoresArguments && !unmatched.isEmpty()) {
      throw new UsageException("unexpected argument '" + unmatched.get(0) + "'");
    }
    if (failure != null) {
      throw new UsageException(message(cl.getCommandSpec(), failure, args));
    }
  }

  private static boolean isFlag(String arg) {
    return arg.startsWith("--") && arg.length() > 2;
  }

  private static String flagName(String arg) {
    int eq = arg.indexOf('=');
    return eq < 0 ? arg : arg.substring(0, eq);
  }

  private static String message(CommandSpec spec, ParameterException e, List<String> args) {
    if (e instanceof MissingParameterException m && !m.getMissing().isEmpty()) {
      ArgSpec a = m.getMissing().get(0);
      if (a instanceof OptionSpec o) {
        String name = o.longestName();
        return args.contains(name) ? name + " needs a value" : "missing required option " + name;
      }
    }
    if (e instanceof MaxValuesExceededException) {
      for (String arg : args) {
        if (isFlag(arg) && arg.contains("=")) {
          OptionSpec o = spec.findOption(flagName(arg));
          if (o != null && o.arity().max() == 0) {
            return flagName(arg) + " takes no value";
          }
        }
      }
    }
    if (e.getCause() instanceof TypeConversionException && e.getArgSpec() instanceof OptionSpec o) {
      Class<?> t = o.type();
      boolean integral = t == int.class || t == Integer.class || t == long.class || t == Long.class;
      return o.longestName()
          + (integral ? " must be an integer" : " must be a number")
          + ", was '"
          + e.getValue()
          + "'";
    }
    return e.getMessage();
  }

  /**
   * {@code value} as an int, for flags whose value is a number or a word.
   *
   * @throws UsageException "FLAG must be an integer, was 'VALUE'"
   */
  static int intValue(String flag, String value) {
    try {
      return parseInt(value);
    } catch (TypeConversionException e) {
      throw new UsageException(flag + " must be an integer, was '" + value + "'");
    }
  }

  private static int parseInt(String v) {
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new TypeConversionException("not an integer: '" + v + "'");
    }
  }

  private static long parseLong(String v) {
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new TypeConversionException("not an integer: '" + v + "'");
    }
  }

  private static double parseDouble(String v) {
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new TypeConversionException("not a number: '" + v + "'");
    }
  }
}
