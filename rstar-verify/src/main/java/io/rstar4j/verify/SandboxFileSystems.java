package io.rstar4j.verify;

import java.nio.file.Path;
import java.util.List;
import org.graalvm.polyglot.io.FileSystem;
import org.graalvm.polyglot.io.IOAccess;

/** The guest file system: nothing, or read-only access to the given package directories. */
final class SandboxFileSystems {
  private SandboxFileSystems() {}

  /**
   * No file system at all when {@code readRoots} is empty; otherwise read-only access to files
   * under the roots (and GraalPy's own internal resources), everything else denied.
   */
  static IOAccess ioAccess(List<Path> readRoots) {
    if (readRoots.isEmpty()) {
      return IOAccess.NONE;
    }
    List<Path> roots = readRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    FileSystem readOnly = FileSystem.newReadOnlyFileSystem(FileSystem.newDefaultFileSystem());
    FileSystem composite =
        FileSystem.newCompositeFileSystem(
            FileSystem.newDenyIOFileSystem(),
            FileSystem.Selector.of(readOnly, p -> underAny(p, roots)));
    return IOAccess.newBuilder()
        .fileSystem(FileSystem.allowInternalResourceAccess(composite))
        .allowHostSocketAccess(false)
        .build();
  }

  static boolean underAny(Path p, List<Path> roots) {
    if (!p.isAbsolute()) {
      return false;
    }
    Path n = p.normalize();
    for (Path r : roots) {
      if (n.startsWith(r)) {
        return true;
      }
    }
    return false;
  }
}
