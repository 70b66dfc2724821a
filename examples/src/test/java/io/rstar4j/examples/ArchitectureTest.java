package io.rstar4j.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import io.rstar4j.core.Policy;
import io.rstar4j.examples.cli.Rstar;
import io.rstar4j.mcts.ReasoningSearch;
import io.rstar4j.train.evolve.SelfEvolution;
import io.rstar4j.verify.CPythonVerifier;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of the whole library, checked on the main classes of every rstar4j module (this
 * module depends on all of them, so it is the one place that sees them all). Test jars are not
 * imported. Each module's own rules (the engine and the SPI depend on the JDK only) live in that
 * module's tests.
 */
class ArchitectureTest {
  /** One class of each module: the rule set imports the jar or directory each was loaded from. */
  private static final List<Class<?>> MODULES =
      List.of(
          Policy.class,
          ReasoningSearch.class,
          CPythonVerifier.class,
          SelfEvolution.class,
          Rstar.class);

  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() throws Exception {
    List<Location> locations = new ArrayList<>();
    for (Class<?> c : MODULES) {
      locations.add(Location.of(c.getProtectionDomain().getCodeSource().getLocation()));
    }
    main = new ClassFileImporter().importLocations(locations);
    assertTrue(main.size() > 150, "imported only " + main.size() + " classes");
  }

  @Test
  void onlyTheModelRuntimeTouchesOnnxRuntime() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.rstar4j.core.model..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("ai.onnxruntime..")
        .because(
            "ONNX Runtime is optional: only the model runtime (io.rstar4j.core.model: CausalLm,"
                + " GraphSession, OnnxSessions) may use it, behind the OnnxRuntimeCheck of its"
                + " entry points")
        .check(main);
  }

  @Test
  void onlyTheVerifierModuleTouchesGraalVm() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.rstar4j.verify..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.graalvm..")
        .because("GraalPy is optional and reaches only users of the sandbox (rstar-verify)")
        .check(main);
  }

  @Test
  void onlyExamplesHasACommandLine() {
    methods()
        .that()
        .haveName("main")
        .and()
        .areStatic()
        .and()
        .haveRawParameterTypes(String[].class)
        .should()
        .beDeclaredInClassesThat()
        .resideInAPackage("io.rstar4j.examples..")
        .because("the library modules have no command line; examples has the rstar command")
        .allowEmptyShould(true)
        .check(main);
    noClasses()
        .that()
        .resideOutsideOfPackage("io.rstar4j.examples..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("picocli..")
        .because("the command-line parser belongs to the rstar command (examples) only")
        .check(main);
  }

  @Test
  void examplesUsesTheExportedApiOnly() {
    Set<String> api = new TreeSet<>();
    for (Class<?> c : MODULES.subList(0, MODULES.size() - 1)) {
      Path location;
      try {
        location = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      for (ModuleReference ref : ModuleFinder.of(location).findAll()) {
        for (ModuleDescriptor.Exports e : ref.descriptor().exports()) {
          if (!e.isQualified()) {
            api.add(e.source());
          }
        }
      }
    }
    assertTrue(
        api.contains("io.rstar4j.core") && api.contains("io.rstar4j.train.ppm"), api.toString());
    noClasses()
        .that()
        .resideInAPackage("io.rstar4j.examples..")
        .should()
        .dependOnClassesThat(
            DescribedPredicate.describe(
                "are rstar4j classes outside the exported API " + api,
                (JavaClass t) ->
                    t.getPackageName().startsWith("io.rstar4j.")
                        && !t.getPackageName().startsWith("io.rstar4j.examples")
                        // the test fixtures of the rstar-core and rstar-mcts test jars
                        && !t.getPackageName().equals("io.rstar4j.core.testing")
                        && !t.getPackageName().equals("io.rstar4j.mcts.script")
                        && !api.contains(t.getPackageName())))
        .because("the command line is written against the library's public API, as a user's code")
        .check(main);
  }
}
