package io.rstar4j.verify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.testing.ClassPathWithout;
import org.junit.jupiter.api.Test;

/**
 * GraalPy is optional in rstar-verify: without it, {@link GraalPyVerifier#builder()} names the
 * artifacts to add, and the CPython verifier and the grader still load and work.
 */
class GraalPyAbsentTest {

  private static ClassPathWithout withoutGraalPy() {
    return ClassPathWithout.jars("polyglot-", "python-language-", "python-resources-");
  }

  @Test
  void theSandboxBuilderNamesTheArtifactsToAdd() throws Exception {
    try (ClassPathWithout cp = withoutGraalPy()) {
      assertFalse(cp.canLoad("org.graalvm.polyglot.Context"), cp.leftOut().toString());
      Throwable t = cp.thrownBy(GraalPyVerifier.class.getName(), "builder", new Class<?>[0]);
      assertTrue(t instanceof IllegalStateException, "threw " + t);
      assertTrue(
          t.getMessage()
              .equals(
                  "GraalPyVerifier needs GraalPy, which is not on the class path: add"
                      + " org.graalvm.polyglot:polyglot and org.graalvm.polyglot:python-community"
                      + " (type pom) to your dependencies (rstar-bom pins the version rstar4j was"
                      + " built with)"),
          t.getMessage());
    }
  }

  @Test
  void everythingButTheSandboxLinksWithoutIt() throws Exception {
    int linked = 0;
    try (ClassPathWithout cp = withoutGraalPy()) {
      for (String c : ClassPathWithout.classesBeside(GraalPyVerifier.class)) {
        if (!c.startsWith(GraalPyContextPool.class.getName())
            && !c.startsWith(SandboxFileSystems.class.getName())) {
          assertTrue(cp.canLink(c), c + " does not link without GraalPy");
          linked++;
        }
      }
      assertTrue(linked > 20, "only " + linked + " classes checked");
      // the grader works
      assertNull(cp.thrownBy("io.rstar4j.verify.grade.MathGrader", "standard", new Class<?>[0]));
    }
  }
}
