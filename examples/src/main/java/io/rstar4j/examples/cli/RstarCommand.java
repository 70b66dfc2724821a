package io.rstar4j.examples.cli;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * One subcommand of the {@code rstar} command line: a picocli {@code @Command} whose
 * {@code @Option} fields are set before {@link #run} is called (see {@link Cli}).
 */
interface RstarCommand {

  /**
   * Runs the command. Machine-readable results go to {@code out}; progress and diagnostics to
   * {@code err}.
   *
   * @return the process exit code (0 success, 2 bad usage, 1 other failure)
   * @throws UsageException for bad arguments (printed with the usage, exit code 2)
   */
  int run(InputStream in, PrintStream out, PrintStream err) throws Exception;

  /**
   * Whether arguments that are not flags are ignored; by default they are a usage error ({@code
   * extract}, {@code score} and {@code train-ppm} have always ignored them).
   */
  default boolean ignoresArguments() {
    return false;
  }
}
