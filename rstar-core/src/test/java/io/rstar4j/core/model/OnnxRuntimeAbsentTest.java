package io.rstar4j.core.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.internal.OnnxRuntimeCheck;
import io.rstar4j.core.testing.ClassPathWithout;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime is optional in rstar-core: without it on the class path, the ONNX entry points fail
 * with a message naming the artifacts to add, and everything else still loads and works.
 */
class OnnxRuntimeAbsentTest {
  private static final Class<?>[] PATH = {Path.class};

  @Test
  void presentInThisBuild() {
    assertTrue(OnnxRuntimeCheck.isPresent());
  }

  @Test
  void theEntryPointsNameTheArtifactsToAdd() throws Exception {
    try (ClassPathWithout cp = ClassPathWithout.jars("onnxruntime")) {
      assertFalse(cp.canLoad("ai.onnxruntime.OrtEnvironment"), cp.leftOut().toString());
      for (String[] entry :
          new String[][] {
            {"io.rstar4j.core.model.CausalLm", "builder"},
            {"io.rstar4j.core.model.CausalLm", "load"},
            {"io.rstar4j.core.model.OnnxPolicy", "load"}
          }) {
        Throwable t = cp.thrownBy(entry[0], entry[1], PATH, Path.of("no-such-export"));
        String where = entry[0] + "." + entry[1];
        assertTrue(t instanceof IllegalStateException, where + " threw " + t);
        assertTrue(
            t.getMessage().contains("com.microsoft.onnxruntime:onnxruntime (CPU)")
                && t.getMessage().contains("com.microsoft.onnxruntime:onnxruntime_gpu (CUDA)"),
            where + ": " + t.getMessage());
        assertTrue(t.getMessage().startsWith("CausalLm needs ONNX Runtime"), t.getMessage());
      }
    }
  }

  @Test
  void graphSessionNamesTheArtifactsToAdd() throws Exception {
    try (ClassPathWithout cp = ClassPathWithout.jars("onnxruntime")) {
      Throwable t = cp.thrownBy("io.rstar4j.core.model.GraphSession", "builder", new Class<?>[0]);
      assertTrue(t instanceof IllegalStateException, "GraphSession.builder threw " + t);
      assertTrue(
          t.getMessage().startsWith("GraphSession needs ONNX Runtime")
              && t.getMessage().contains("com.microsoft.onnxruntime:onnxruntime (CPU)")
              && t.getMessage().contains("com.microsoft.onnxruntime:onnxruntime_gpu (CUDA)"),
          t.getMessage());
    }
  }

  @Test
  void everyClassOutsideTheModelRuntimeLinksWithoutIt() throws Exception {
    int linked = 0;
    try (ClassPathWithout cp = ClassPathWithout.jars("onnxruntime")) {
      for (String c : ClassPathWithout.classesBeside(CausalLm.class)) {
        if (!c.startsWith("io.rstar4j.core.model.")) {
          assertTrue(cp.canLink(c), c + " does not link without ONNX Runtime");
          linked++;
        }
      }
    }
    assertTrue(linked > 40, "only " + linked + " classes checked");
  }

  @Test
  void withItTheBuilderReachesTheFileSystem() {
    NoSuchFileException e =
        assertThrows(
            NoSuchFileException.class, () -> CausalLm.builder(Path.of("no-such-export")).build());
    assertTrue(e.getMessage().startsWith("no-such-export"), e.getMessage());
  }
}
