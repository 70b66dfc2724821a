package io.rstar4j.bench;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * How the measurement harnesses (the benchmark {@code main}s that are not JMH benchmarks) read
 * their arguments: each declares its flags as picocli {@code @Option} fields of a {@code @Command}
 * object with their defaults, and calls {@link #parse}. {@code --help} prints the generated usage
 * and exits 0; a bad argument prints the error and the usage on stderr and exits 2.
 */
public final class HarnessArgs {
  private HarnessArgs() {}

  /**
   * Sets {@code options}' fields from {@code args}, or exits the JVM (0 after {@code --help}, 2 on
   * a bad argument).
   *
   * @return {@code options}
   */
  public static <T> T parse(T options, String[] args) {
    CommandLine cl = new CommandLine(options).setUsageHelpWidth(100);
    try {
      cl.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      System.err.println(e.getMessage());
      cl.usage(new PrintWriter(System.err, true));
      System.exit(2);
    }
    if (cl.isUsageHelpRequested()) {
      cl.usage(new PrintWriter(System.out, true));
      System.exit(0);
    }
    return options;
  }
}
