package io.rstar4j.examples.cli;

import io.rstar4j.core.io.RunLock;
import java.nio.file.Path;

/** Holds the lock of {@code args[0]} until its standard input closes (another process's run). */
public final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    try (RunLock lock = RunLock.onFile(Path.of(args[0]))) {
      System.out.println("locked");
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait
      }
    }
  }
}
