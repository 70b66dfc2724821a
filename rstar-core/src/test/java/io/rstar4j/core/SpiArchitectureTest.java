package io.rstar4j.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The SPI package ({@code io.rstar4j.core}, top level: the vocabulary and the interfaces a user
 * implements) depends on the JDK's {@code java..} packages and on itself only, so implementing the
 * SPI never pulls in a model runtime, a JSON library or rstar4j's internals.
 */
class SpiArchitectureTest {

  @Test
  void theSpiDependsOnTheJdkOnly() throws Exception {
    Path main = Path.of(Policy.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    JavaClasses core = new ClassFileImporter().importPath(main.resolve("io/rstar4j/core"));
    classes()
        .that()
        .resideInAPackage("io.rstar4j.core")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "io.rstar4j.core")
        .because("the SPI is plain Java: users implement it without rstar4j's dependencies")
        .check(core);
  }
}
