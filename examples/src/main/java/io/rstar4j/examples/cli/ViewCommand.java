package io.rstar4j.examples.cli;

import io.rstar4j.core.RewardModel;
import io.rstar4j.core.tree.ReasoningTree;
import io.rstar4j.verify.grade.MathGrader;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rstar view}: the tree page of saved search trees. */
@Command(
    name = "view",
    description = {
      "write the tree page of a saved search tree",
      "",
      "Reads the trees file (rstar solve --trees, rstar eval --trees), takes the tree of problem ID"
          + " (every tree whose id is ID or ID#k) and writes one self-contained HTML file: the"
          + " tree with collapsible nodes, each node's Q, visits, PPM score (with --ppm), code and"
          + " executed output, answers coloured by the saved gold answers, the chosen path"
          + " highlighted and a search box. Opening FILE#all renders every node."
    })
final class ViewCommand implements RstarCommand {
  @Option(
      names = "--trees",
      required = true,
      paramLabel = "FILE.jsonl",
      description = "saved trees, one JSON line each")
  Path trees;

  @Option(names = "--id", required = true, paramLabel = "ID", description = "the problem's id")
  String id;

  @Option(names = "--out", required = true, paramLabel = "FILE.html", description = "the page")
  Path out;

  @Option(
      names = "--ppm",
      paramLabel = "DIR",
      description = "a PPM directory: show each node's PPM score")
  String ppm;

  @Override
  public int run(InputStream in, PrintStream stdout, PrintStream err) throws Exception {
    if (!Files.isRegularFile(trees)) {
      err.println("rstar view: no such trees file: " + trees);
      return 1;
    }
    List<ReasoningTree> all;
    try {
      all = SearchSetup.readTrees(trees);
    } catch (IllegalArgumentException e) {
      err.println("rstar view: " + e.getMessage());
      return 1;
    }
    List<ReasoningTree> mine = new ArrayList<>();
    for (ReasoningTree t : all) {
      String tid = t.problem().id();
      if (tid.equals(id) || (tid.startsWith(id + "#") && tid.indexOf('#', id.length() + 1) < 0)) {
        mine.add(t);
      }
    }
    if (mine.isEmpty()) {
      err.println(
          "rstar view: "
              + trees
              + " holds no tree of problem '"
              + id
              + "' ("
              + all.size()
              + " trees)");
      return 1;
    }
    RewardModel rm = SearchSetup.ppm(ppm);
    try {
      SearchSetup.writeTreePage(
          out, "rstar view " + id, mine, List.of(), rm, MathGrader.standard());
    } finally {
      SearchSetup.closeQuietly(rm, err);
    }
    int nodes = mine.stream().mapToInt(ReasoningTree::size).sum();
    err.println("rstar view: " + mine.size() + " tree(s), " + nodes + " nodes -> " + out);
    return 0;
  }
}
