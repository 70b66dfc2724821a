package io.rstar4j.mcts.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The generic engine knows states, actions, values and visits: it depends on the JDK's {@code
 * java..} packages and on itself, nothing else (no SPI, no models, no JSON).
 */
class EngineArchitectureTest {

  @Test
  void theEngineDependsOnTheJdkOnly() throws Exception {
    Path main = Path.of(Mcts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    JavaClasses engine = new ClassFileImporter().importPath(main.resolve("io/rstar4j/mcts/engine"));
    classes()
        .that()
        .resideInAPackage("io.rstar4j.mcts.engine..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "io.rstar4j.mcts.engine..")
        .because("the generic MCTS engine is independent of the reasoning layer")
        .check(engine);
  }
}
