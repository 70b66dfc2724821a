package io.rstar4j.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SetOnceTest {
  @Test
  void secondSettingIsRefusedWithTheOptionsName() {
    SetOnce s = new SetOnce();
    s.mark("rollouts");
    assertTrue(s.isSet("rollouts"));
    assertFalse(s.isSet("candidates"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.mark("rollouts"));
    assertEquals("rollouts was already set", e.getMessage());
  }

  @Test
  void conflictingOptionIsRefused() {
    SetOnce s = new SetOnce();
    s.mark("maxSize");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> s.markExclusive("weigher", "maxSize"));
    assertEquals("weigher cannot be set: maxSize was already set", e.getMessage());
    assertFalse(s.isSet("weigher"));
  }

  @Test
  void checksNameTheArgumentAndValue() {
    assertEquals(3, Checks.positive("n", 3));
    assertEquals(
        "n must be >= 1, was 0",
        assertThrows(IllegalArgumentException.class, () -> Checks.positive("n", 0)).getMessage());
    assertEquals(
        "topP must be in (0, 1], was 0.0",
        assertThrows(IllegalArgumentException.class, () -> Checks.unitInterval("topP", 0))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> Checks.finiteNonNegative("c", Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Checks.positive("timeout", Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> Checks.inRange("k", 9, 1, 8));
    assertThrows(IllegalArgumentException.class, () -> Checks.nonBlank("name", " "));
    assertEquals(0.0, Checks.inHalfOpenRange("beta1", 0.0, 0, 1));
    assertEquals(
        "beta1 must be in [0.0, 1.0), was 1.0",
        assertThrows(
                IllegalArgumentException.class, () -> Checks.inHalfOpenRange("beta1", 1.0, 0, 1))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Checks.inHalfOpenRange("f", Double.NaN, 0, 1));
    assertEquals(-3.5, Checks.finite("margin", -3.5));
    assertEquals(
        "margin must be finite, was Infinity",
        assertThrows(
                IllegalArgumentException.class,
                () -> Checks.finite("margin", Double.POSITIVE_INFINITY))
            .getMessage());
  }
}
