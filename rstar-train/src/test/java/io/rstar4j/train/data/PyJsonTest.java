package io.rstar4j.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PyJsonTest {
  @Test
  void floatsArePrintedAsPythonReprPrintsThem() {
    assertEquals("1.0", PyJson.floatRepr(1.0));
    assertEquals("-0.5", PyJson.floatRepr(-0.5));
    assertEquals("1.2666666666666666", PyJson.floatRepr(1.2666666666666666));
    assertEquals("0.1", PyJson.floatRepr(0.1));
    assertEquals("0.30000000000000004", PyJson.floatRepr(0.1 + 0.2));
    assertEquals("0.0001", PyJson.floatRepr(1e-4));
    assertEquals("1e-05", PyJson.floatRepr(1e-5));
    assertEquals("1.5e-07", PyJson.floatRepr(1.5e-7));
    assertEquals("1e+16", PyJson.floatRepr(1e16));
    assertEquals("1234567890123456.0", PyJson.floatRepr(1234567890123456.0));
    assertEquals("2e-323", PyJson.floatRepr(2e-323));
    assertEquals("0.0", PyJson.floatRepr(0.0));
    assertEquals("100.0", PyJson.floatRepr(100.0));
  }

  @Test
  void stringsAreEscapedAsPythonEscapesThem() {
    StringBuilder sb = new StringBuilder();
    PyJson.string(sb, "a\"b\\c\nd\te\u0001<>&'é€😀\u2028");
    assertEquals("\"a\\\"b\\\\c\\nd\\te\\u0001<>&'é€😀\u2028\"", sb.toString());
  }

  @Test
  void levenshteinCountsCodePoints() {
    assertEquals(3, TextOps.levenshtein("kitten", "sitting"));
    assertEquals(0, TextOps.levenshtein("", ""));
    assertEquals(4, TextOps.levenshtein("", "abcd"));
    assertEquals(1, TextOps.levenshtein("a😀", "a😁"));
  }

  @Test
  void stripRemovesPythonWhitespace() {
    assertEquals("x y", TextOps.pythonStrip("\u00a0\n x y\u3000\t"));
  }
}
