package io.rstar4j.mcts.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.rstar4j.core.internal.Checks;
import io.rstar4j.core.internal.SetOnce;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The generic engine knows states, actions, values and visits: it depends on the JDK's {@code
 * java..} packages, on itself and on the builder helpers {@link Checks} and {@link SetOnce} (which
 * depend on the JDK only, see rstar-core's SpiArchitectureTest), nothing else (no SPI, no models,
 * no JSON).
 */
class EngineArchitectureTest {

  @Test
  void theEngineDependsOnTheJdkOnly() throws Exception {
    Path main = Path.of(Mcts.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    JavaClasses engine = new ClassFileImporter().importPath(main.resolve("io/rstar4j/mcts/engine"));
    DescribedPredicate<JavaClass> builderHelpers =
        DescribedPredicate.describe(
            "the builder helpers Checks and SetOnce",
            c -> c.isEquivalentTo(Checks.class) || c.isEquivalentTo(SetOnce.class));
    classes()
        .that()
        .resideInAPackage("io.rstar4j.mcts.engine..")
        .should()
        .onlyDependOnClassesThat(
            JavaClass.Predicates.resideInAnyPackage("java..", "io.rstar4j.mcts.engine..")
                .or(builderHelpers))
        .because("the generic MCTS engine is independent of the reasoning layer")
        .check(engine);
  }
}
