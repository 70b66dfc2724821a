package io.rstar4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesTest {

  static List<JsonLines.Line> read(String input, JsonLines.Breaks breaks) throws IOException {
    List<JsonLines.Line> out = new ArrayList<>();
    try (JsonLines.LineReader r = JsonLines.reader(new StringReader(input), "in.jsonl", breaks)) {
      for (JsonLines.Line l; (l = r.next()) != null; ) {
        out.add(l);
      }
      assertEquals(out.size(), r.count());
      assertNull(r.next(), "the end stays the end");
    }
    return out;
  }

  static List<String> texts(List<JsonLines.Line> lines) {
    return lines.stream().map(JsonLines.Line::text).toList();
  }

  @Test
  void linesAreNumberedFromOneInOrder() throws IOException {
    List<JsonLines.Line> lines = read("{\"a\":1}\n\n[2]\n", JsonLines.Breaks.ANY);
    assertEquals(List.of("{\"a\":1}", "", "[2]"), texts(lines));
    for (int i = 0; i < lines.size(); i++) {
      assertEquals(i + 1, lines.get(i).number());
      assertEquals("in.jsonl", lines.get(i).source());
    }
    assertTrue(lines.get(1).isBlank());
    assertEquals(List.of(), read("", JsonLines.Breaks.ANY));
    assertEquals(List.of("last"), texts(read("last", JsonLines.Breaks.LF)));
  }

  @Test
  void lineBreaks() throws IOException {
    String input = "a\r\nb\rc\nd\r";
    // as BufferedReader.readLine splits
    assertEquals(List.of("a", "b", "c", "d"), texts(read(input, JsonLines.Breaks.ANY)));
    // \n only; the \r before it dropped, a bare \r kept
    assertEquals(List.of("a", "b\rc", "d"), texts(read(input, JsonLines.Breaks.LF)));
    assertEquals(List.of("", "x"), texts(read("\r\nx\n", JsonLines.Breaks.LF)));
  }

  @Test
  void parseAndObjectName() {
    JsonLines.Line ok = new JsonLines.Line("f", 3, "{\"gold\": \"1\", \"pred\": 2}");
    assertEquals(JsonParser.parseString(ok.text()), ok.parse());
    assertEquals("1", ok.object("{...}").get("gold").getAsString());

    JsonLines.Line array = new JsonLines.Line("f", 4, "[1, 2]");
    JsonLines.LineException notObject =
        assertThrows(JsonLines.LineException.class, () -> array.object("{\"gold\": ...}"));
    assertEquals("expected a JSON object {\"gold\": ...}", notObject.reason());
    assertEquals("f:4: expected a JSON object {\"gold\": ...}", notObject.getMessage());
    assertSame(array, notObject.line());

    JsonLines.Line broken = new JsonLines.Line("f", 5, "{\"gold\": ");
    JsonLines.LineException bad = assertThrows(JsonLines.LineException.class, broken::parse);
    assertTrue(bad.reason().startsWith("not valid JSON: "), bad.reason());
    assertFalse(bad.reason().contains("\n"), "one line: " + bad.reason());
    assertTrue(bad.getMessage().startsWith("f:5: not valid JSON: "), bad.getMessage());
    assertTrue(bad.getCause() instanceof RuntimeException);

    JsonLines.Line trailing = new JsonLines.Line("f", 6, "{} {}");
    assertThrows(JsonLines.LineException.class, trailing::parse);

    assertEquals(
        "f:7: field x: expected ...",
        new JsonLines.Line("f", 7, "").error("field x: expected ...").getMessage());
  }

  @Test
  void lineChecksItsParts() {
    assertThrows(IllegalArgumentException.class, () -> new JsonLines.Line("f", 0, ""));
    assertThrows(NullPointerException.class, () -> new JsonLines.Line(null, 1, ""));
    assertThrows(NullPointerException.class, () -> new JsonLines.Line("f", 1, null));
  }

  @Test
  void toLineIsCompactKeepsNullsAndDoesNotEscapeHtml() {
    JsonObject o = new JsonObject();
    o.addProperty("id", "a<b>&'=");
    o.add("answer", JsonNull.INSTANCE);
    o.addProperty("score", 0.5);
    JsonArray a = new JsonArray();
    a.add(1);
    a.add("two\nlines");
    o.add("list", a);
    assertEquals(
        "{\"id\":\"a<b>&'=\",\"answer\":null,\"score\":0.5,\"list\":[1,\"two\\nlines\"]}",
        JsonLines.toLine(o));
    assertEquals(o, JsonParser.parseString(JsonLines.toLine(o)));
    assertThrows(NullPointerException.class, () -> JsonLines.toLine(null));
  }
}
