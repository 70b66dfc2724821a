package io.rstar4j.verify.grade;

/** A complex number in double precision: the value type of the numeric evaluator. */
record Complex(double re, double im) {
  static final Complex ZERO = new Complex(0, 0);
  static final Complex ONE = new Complex(1, 0);
  static final Complex I = new Complex(0, 1);
  static final Complex NAN = new Complex(Double.NaN, Double.NaN);

  static Complex real(double v) {
    return new Complex(v, 0);
  }

  boolean isReal() {
    return im == 0 || Math.abs(im) <= 1e-12 * Math.max(1, Math.abs(re));
  }

  boolean isNaN() {
    return Double.isNaN(re) || Double.isNaN(im);
  }

  boolean isFinite() {
    return Double.isFinite(re) && Double.isFinite(im);
  }

  double abs() {
    if (im == 0) {
      return Math.abs(re);
    }
    return Math.hypot(re, im);
  }

  Complex plus(Complex o) {
    return new Complex(re + o.re, im + o.im);
  }

  Complex minus(Complex o) {
    return new Complex(re - o.re, im - o.im);
  }

  Complex negate() {
    return new Complex(-re, -im);
  }

  Complex times(Complex o) {
    if (im == 0 && o.im == 0) {
      return new Complex(re * o.re, 0);
    }
    return new Complex(re * o.re - im * o.im, re * o.im + im * o.re);
  }

  Complex div(Complex o) {
    if (im == 0 && o.im == 0) {
      return new Complex(re / o.re, 0);
    }
    double d = o.re * o.re + o.im * o.im;
    return new Complex((re * o.re + im * o.im) / d, (im * o.re - re * o.im) / d);
  }

  Complex exp() {
    double m = Math.exp(re);
    if (im == 0) {
      return new Complex(m, 0);
    }
    return new Complex(m * Math.cos(im), m * Math.sin(im));
  }

  /** Principal logarithm. */
  Complex log() {
    if (im == 0 && re > 0) {
      return new Complex(Math.log(re), 0);
    }
    return new Complex(Math.log(abs()), Math.atan2(im, re));
  }

  Complex pow(Complex o) {
    if (im == 0 && o.im == 0) {
      double r = Math.pow(re, o.re);
      if (!Double.isNaN(r)) {
        return new Complex(r, 0);
      }
      // negative base with a fractional exponent: odd roots stay real (the usual school reading),
      // and so do their powers: x^(p/q) = (x^(1/q))^p for an odd q
      if (re < 0) {
        double inv = 1 / o.re;
        long n = Math.round(inv);
        if (Math.abs(inv - n) < 1e-9 && n % 2 != 0) {
          return new Complex(-Math.pow(-re, o.re), 0);
        }
        for (int q = 3; q <= 15; q += 2) {
          double pq = o.re * q;
          long p = Math.round(pq);
          if (Math.abs(pq - p) < 1e-9) {
            double m = Math.pow(-re, o.re);
            return new Complex(p % 2 == 0 ? m : -m, 0);
          }
        }
      }
    }
    if (re == 0 && im == 0) {
      return o.re > 0 ? ZERO : NAN;
    }
    if (o.im == 0 && o.re == Math.rint(o.re) && Math.abs(o.re) <= 64) {
      int n = (int) Math.abs(o.re);
      Complex r = ONE;
      Complex b = this;
      while (n > 0) {
        if ((n & 1) != 0) {
          r = r.times(b);
        }
        b = b.times(b);
        n >>= 1;
      }
      return o.re < 0 ? ONE.div(r) : r;
    }
    return log().times(o).exp();
  }

  Complex sqrt() {
    if (im == 0) {
      return re >= 0 ? new Complex(Math.sqrt(re), 0) : new Complex(0, Math.sqrt(-re));
    }
    double m = abs();
    double a = Math.sqrt((m + re) / 2);
    double b = Math.copySign(Math.sqrt((m - re) / 2), im);
    return new Complex(a, b);
  }

  Complex sin() {
    if (im == 0) {
      return real(Math.sin(re));
    }
    return new Complex(Math.sin(re) * Math.cosh(im), Math.cos(re) * Math.sinh(im));
  }

  Complex cos() {
    if (im == 0) {
      return real(Math.cos(re));
    }
    return new Complex(Math.cos(re) * Math.cosh(im), -Math.sin(re) * Math.sinh(im));
  }

  /** Relative closeness in the sense of Python's {@code math.isclose(a, b, rel_tol, abs_tol)}. */
  static boolean close(Complex a, Complex b, double relTol, double absTol) {
    if (a.equals(b)) {
      return true;
    }
    if (!a.isFinite() || !b.isFinite()) {
      return a.isFinite() == b.isFinite()
          && a.re == b.re
          && (a.im == b.im || a.isReal() && b.isReal());
    }
    double d = a.minus(b).abs();
    return d <= Math.max(relTol * Math.max(a.abs(), b.abs()), absTol);
  }
}
