package io.rstar4j.core.testing;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Test support (in the test jar): a class loader over the test's class path with some jars left
 * out, to run code as a user who did not add an optional dependency would. Its parent is the
 * platform loader, so nothing leaks in from the test's own loader.
 */
public final class ClassPathWithout implements AutoCloseable {
  private final URLClassLoader loader;
  private final List<String> left;

  private ClassPathWithout(URLClassLoader loader, List<String> left) {
    this.loader = loader;
    this.left = left;
  }

  /**
   * The test's class path without the jars whose file names start with one of {@code prefixes}
   * (e.g. {@code "onnxruntime"}).
   *
   * @throws IllegalStateException if no jar was left out (the test would prove nothing)
   */
  public static ClassPathWithout jars(String... prefixes) {
    List<URL> urls = new ArrayList<>();
    List<String> left = new ArrayList<>();
    for (String entry : classPath()) {
      String name = Path.of(entry).getFileName().toString();
      if (Arrays.stream(prefixes).anyMatch(name::startsWith) && name.endsWith(".jar")) {
        left.add(name);
        continue;
      }
      try {
        urls.add(Path.of(entry).toUri().toURL());
      } catch (MalformedURLException e) {
        throw new IllegalStateException(e);
      }
    }
    if (left.isEmpty()) {
      throw new IllegalStateException(
          "no jar starting with " + Arrays.toString(prefixes) + " on the class path");
    }
    return new ClassPathWithout(
        new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader()), left);
  }

  /** The jar file names left out. */
  public List<String> leftOut() {
    return List.copyOf(left);
  }

  /** Whether the loader can load a class (without initialising it). */
  public boolean canLoad(String className) {
    try {
      Class.forName(className, false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * Whether the loader can load, link (verify) and initialise a class; a class whose bytecode needs
   * a left-out class to verify (a {@code catch} of its exception type, say) cannot.
   */
  public boolean canLink(String className) {
    try {
      Class.forName(className, true, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * Calls a public static method through the loader and returns what it threw, or null when it
   * returned normally.
   */
  public Throwable thrownBy(String className, String method, Class<?>[] types, Object... args)
      throws ReflectiveOperationException {
    Method m = Class.forName(className, true, loader).getMethod(method, types);
    try {
      m.invoke(null, args);
      return null;
    } catch (InvocationTargetException e) {
      return e.getCause();
    }
  }

  /**
   * The binary names of the classes in the jar or class directory {@code anchor} was loaded from
   * (module-info and package-info left out).
   */
  public static List<String> classesBeside(Class<?> anchor) throws Exception {
    Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> entries = new ArrayList<>();
    if (Files.isDirectory(location)) {
      try (Stream<Path> files = Files.walk(location)) {
        files
            .map(f -> location.relativize(f).toString().replace(File.separatorChar, '/'))
            .forEach(entries::add);
      }
    } else {
      try (JarFile jar = new JarFile(location.toFile())) {
        jar.stream().map(JarEntry::getName).forEach(entries::add);
      }
    }
    List<String> out = new ArrayList<>();
    for (String e : entries) {
      if (e.endsWith(".class")
          && !e.endsWith("module-info.class")
          && !e.endsWith("package-info.class")) {
        out.add(e.substring(0, e.length() - ".class".length()).replace('/', '.'));
      }
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    loader.close();
  }

  private static List<String> classPath() {
    // Surefire's booter jar hides the class path; it publishes it in this property.
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    List<String> out = new ArrayList<>();
    for (String e : cp.split(File.pathSeparator)) {
      if (!e.isBlank()) {
        out.add(e);
      }
    }
    return out;
  }
}
