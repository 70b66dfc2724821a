package io.rstar4j.core;

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
 * The SPI package ({@code io.rstar4j.core}, top level: the vocabulary and the interfaces a user
 * implements) depends on the JDK's {@code java..} packages, on itself and on the two builder
 * helpers {@link Checks} and {@link SetOnce} only, and those two depend on the JDK only, so
 * implementing the SPI never pulls in a model runtime, a JSON library or the rest of rstar4j's
 * internals.
 */
class SpiArchitectureTest {

  /** The JDK-only helpers every builder shares (the rest of the internal package is not). */
  static final DescribedPredicate<JavaClass> BUILDER_HELPERS =
      DescribedPredicate.describe(
          "the builder helpers Checks and SetOnce",
          c -> c.isEquivalentTo(Checks.class) || c.isEquivalentTo(SetOnce.class));

  private static JavaClasses imported(String packagePath) throws Exception {
    Path main = Path.of(Policy.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return new ClassFileImporter().importPath(main.resolve(packagePath));
  }

  @Test
  void theSpiDependsOnTheJdkOnly() throws Exception {
    classes()
        .that()
        .resideInAPackage("io.rstar4j.core")
        .should()
        .onlyDependOnClassesThat(
            JavaClass.Predicates.resideInAnyPackage("java..", "io.rstar4j.core")
                .or(BUILDER_HELPERS))
        .because("the SPI is plain Java: users implement it without rstar4j's dependencies")
        .check(imported("io/rstar4j/core"));
  }

  @Test
  void theBuilderHelpersDependOnTheJdkOnly() throws Exception {
    classes()
        .that(BUILDER_HELPERS)
        .should()
        .onlyDependOnClassesThat(
            JavaClass.Predicates.resideInAPackage("java..").or(BUILDER_HELPERS))
        .because("the SPI and the generic engine use them and must stay plain Java")
        .check(imported("io/rstar4j/core/internal"));
  }
}
