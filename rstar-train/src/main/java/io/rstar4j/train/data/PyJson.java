package io.rstar4j.train.data;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * JSON output as Python's {@code json.dumps(obj, ensure_ascii=False, separators=(",", ":"))} writes
 * it: the same string escapes and the same (shortest round-trip) float form, so that the files
 * match the reference's byte for byte.
 */
final class PyJson {
  private PyJson() {}

  /** Appends {@code s} as a JSON string literal. */
  static StringBuilder string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"');
  }

  /** Appends {@code "key":} to an object being written. */
  static StringBuilder key(StringBuilder sb, String key) {
    if (sb.length() > 1) {
      sb.append(',');
    }
    return string(sb, key).append(':');
  }

  /**
   * Python's {@code repr(float)}: shortest round-trip digits, exponent form below 1e-4 or from
   * 1e16.
   */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(d);
    BigDecimal shortest = exact;
    for (int p = 1; p <= 17; p++) {
      BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (r.doubleValue() == d) {
        shortest = r;
        break;
      }
    }
    shortest = shortest.stripTrailingZeros();
    String digits = shortest.unscaledValue().abs().toString();
    int exp = digits.length() - 1 - shortest.scale(); // decimal exponent of the first digit
    StringBuilder sb = new StringBuilder();
    if (d < 0) {
      sb.append('-');
    }
    if (exp < -4 || exp >= 16) {
      sb.append(digits.charAt(0));
      if (digits.length() > 1) {
        sb.append('.').append(digits, 1, digits.length());
      }
      sb.append('e').append(exp < 0 ? '-' : '+');
      int a = Math.abs(exp);
      if (a < 10) {
        sb.append('0');
      }
      sb.append(a);
    } else if (exp < 0) {
      sb.append("0.");
      sb.append("0".repeat(-exp - 1));
      sb.append(digits);
    } else if (digits.length() <= exp + 1) {
      sb.append(digits).append("0".repeat(exp + 1 - digits.length())).append(".0");
    } else {
      sb.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
    }
    return sb.toString();
  }
}
