package io.rstar4j.examples.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code rstar} command line: dispatches to the subcommands listed in {@link #COMMANDS}. */
public final class Rstar {

  /** Every subcommand, in the order {@code --help} lists them. */
  static final List<Command> COMMANDS =
      List.of(
          new MctsDemoCommand(),
          new MctsReplayCommand(),
          new RunPythonCommand(),
          new GradeCommand(),
          new ExtractCommand(),
          new TokenizeCommand(),
          new GenerateCommand(),
          new MakeTinyModelCommand(),
          new TrainPpmCommand(),
          new ScoreCommand(),
          new SolveCommand(),
          new EvalCommand(),
          new EvolveCommand());

  private Rstar() {}

  public static void main(String[] args) {
    int code = run(Arrays.asList(args), System.in, System.out, System.err);
    System.out.flush();
    System.exit(code);
  }

  /** Runs the command line; returns the exit code. Used by tests. */
  public static int run(List<String> args, InputStream in, PrintStream out, PrintStream err) {
    Map<String, Command> byName = new LinkedHashMap<>();
    for (Command c : COMMANDS) {
      byName.put(c.name(), c);
    }
    if (args.isEmpty()
        || args.get(0).equals("--help")
        || args.get(0).equals("-h")
        || args.get(0).equals("help")) {
      if (args.size() >= 2 && byName.containsKey(args.get(1))) {
        out.println(byName.get(args.get(1)).usage());
        return 0;
      }
      printHelp(args.isEmpty() ? err : out, byName);
      return args.isEmpty() ? 2 : 0;
    }
    Command c = byName.get(args.get(0));
    if (c == null) {
      err.println("rstar: unknown command '" + args.get(0) + "'");
      printHelp(err, byName);
      return 2;
    }
    List<String> rest = args.subList(1, args.size());
    if (rest.contains("--help") || rest.contains("-h")) {
      out.println(c.usage());
      return 0;
    }
    try {
      return c.run(rest, in, out, err);
    } catch (UsageException e) {
      err.println("rstar " + c.name() + ": " + e.getMessage());
      err.println(c.usage());
      return 2;
    } catch (Exception e) {
      err.println("rstar " + c.name() + ": " + describe(e));
      if (System.getenv("RSTAR_DEBUG") != null) {
        e.printStackTrace(err);
      }
      return 1;
    }
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private static void printHelp(PrintStream ps, Map<String, Command> byName) {
    ps.println("usage: rstar COMMAND [OPTIONS]    (rstar COMMAND --help for a command's options)");
    ps.println();
    ps.println("rStar-Math on the JVM: MCTS over code-augmented reasoning steps.");
    ps.println();
    ps.println("commands:");
    for (Command c : byName.values()) {
      ps.printf("  %-16s %s%n", c.name(), c.summary());
    }
  }
}
