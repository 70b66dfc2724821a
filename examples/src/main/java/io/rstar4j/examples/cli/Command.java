package io.rstar4j.examples.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;

/** One subcommand of the {@code rstar} command line. */
public interface Command {

  /** The subcommand's name, e.g. {@code mcts-demo}. */
  String name();

  /** One line for {@code rstar --help}. */
  String summary();

  /** The usage text printed by {@code rstar NAME --help} and on bad arguments. */
  String usage();

  /**
   * Runs the command. Machine-readable results go to {@code out}; progress and diagnostics to
   * {@code err}.
   *
   * @return the process exit code (0 success, 2 bad usage, 1 other failure)
   * @throws UsageException for bad arguments (printed with the usage, exit code 2)
   */
  int run(List<String> args, InputStream in, PrintStream out, PrintStream err) throws Exception;
}
