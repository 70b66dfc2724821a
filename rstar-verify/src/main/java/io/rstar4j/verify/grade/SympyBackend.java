package io.rstar4j.verify.grade;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.rstar4j.core.ExecutionOutcome;
import io.rstar4j.core.Verifier;
import java.lang.System.Logger.Level;
import java.util.Optional;

/** Symbolic equality through a sympy program run by a {@link Verifier}, with a bounded cache. */
final class SympyBackend implements SymbolicBackend {
  private static final System.Logger LOG = System.getLogger(SympyBackend.class.getName());

  private final Verifier verifier;
  // verdicts by pair; null when the cache is off
  private final Cache<String, Boolean> cache;

  SympyBackend(Verifier verifier, int cacheSize) {
    this.verifier = verifier;
    this.cache = cacheSize == 0 ? null : CacheBuilder.newBuilder().maximumSize(cacheSize).build();
  }

  @Override
  public Optional<Boolean> equivalent(String left, String right) {
    String key = left.compareTo(right) <= 0 ? left + "\u0000" + right : right + "\u0000" + left;
    if (cache != null) {
      Boolean hit = cache.getIfPresent(key);
      if (hit != null) {
        return Optional.of(hit);
      }
    }
    ExecutionOutcome out = verifier.execute(program(left, right));
    Optional<Boolean> verdict = Optional.empty();
    if (out instanceof ExecutionOutcome.Output o) {
      String t = o.text().strip();
      if (t.endsWith("True")) {
        verdict = Optional.of(true);
      } else if (t.endsWith("False")) {
        verdict = Optional.of(false);
      }
    }
    if (verdict.isEmpty()) {
      LOG.log(
          Level.DEBUG, () -> "sympy could not decide " + left + " vs " + right + ": " + out.text());
      return verdict;
    }
    if (cache != null) {
      cache.put(key, verdict.get());
    }
    return verdict;
  }

  /** A Python string literal for {@code s}. */
  static String pyString(String s) {
    StringBuilder sb = new StringBuilder("'");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' || c == '\'') {
        sb.append('\\').append(c);
      } else if (c < 32 || c > 126) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('\'').toString();
  }

  static String program(String left, String right) {
    return "import sympy\n"
        + "def _parse(s):\n"
        + "    try:\n"
        + "        return sympy.sympify(s, rational=True)\n"
        + "    except Exception:\n"
        + "        pass\n"
        + "    try:\n"
        + "        from sympy.parsing.latex import parse_latex\n"
        + "        return parse_latex(s)\n"
        + "    except Exception:\n"
        + "        pass\n"
        + "    t = s.replace('^', '**').replace('\\\\cdot', '*').replace('\\\\pi', 'pi')\n"
        + "    return sympy.sympify(t, rational=True)\n"
        + "def _equal(a, b):\n"
        + "    if a == b:\n"
        + "        return True\n"
        + "    try:\n"
        + "        if sympy.simplify(a - b) == 0:\n"
        + "            return True\n"
        + "    except Exception:\n"
        + "        pass\n"
        + "    try:\n"
        + "        if a.equals(b):\n"
        + "            return True\n"
        + "    except Exception:\n"
        + "        pass\n"
        + "    try:\n"
        + "        x, y = complex(sympy.N(a)), complex(sympy.N(b))\n"
        + "        return abs(x - y) <= 1e-4 * max(abs(x), abs(y)) or x == y\n"
        + "    except Exception:\n"
        + "        return False\n"
        + "print(_equal(_parse("
        + pyString(left)
        + "), _parse("
        + pyString(right)
        + ")))\n";
  }
}
