package io.rstar4j.train.autodiff;

import static org.quicktheories.QuickTheory.qt;

import io.rstar4j.core.onnx.OnnxGraphBuilder;
import io.rstar4j.train.autodiff.GradCheck.Case;
import io.rstar4j.train.autodiff.GradCheck.Mode;
import io.rstar4j.train.autodiff.GradCheck.Operand;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.SourceDSL;

/**
 * Every gradient rule against central finite differences in double precision (float where ONNX
 * Runtime has no double kernel: Erf, Softplus, Cast to float), over random shapes, broadcasts, axes
 * and operand choices. Each example runs in one of three modes: static shapes, non-trainable
 * operands as graph inputs with symbolic dimensions, or every dimension forgotten (so the run-time
 * shape arithmetic of the rules is exercised as well).
 */
class OpGradientPropertiesTest {
  static final int EXAMPLES = Integer.getInteger("rstar.autodiff.examples", 25);

  /** An output shape, bits choosing broadcasts and axes, and a seed for values. */
  record Spec(List<Integer> dims, int bits, long seed) {
    Random rnd() {
      return new Random(seed);
    }

    Mode mode() {
      return Mode.values()[(int) Math.floorMod(seed, 3L)];
    }

    long[] shape() {
      long[] s = new long[dims.size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = dims.get(i);
      }
      return s;
    }

    /** A shape that broadcasts to {@link #shape()}: some leading axes dropped, some set to 1. */
    long[] broadcastShape(int k) {
      long[] s = shape();
      int b = bits >>> (k * 6);
      int drop = Math.min(s.length, b & 3);
      long[] r = Arrays.copyOfRange(s, drop, s.length);
      for (int i = 0; i < r.length; i++) {
        if (((b >>> (2 + i)) & 1) == 1) {
          r[i] = 1;
        }
      }
      return r;
    }
  }

  static Gen<Spec> specs(int minRank, int maxRank) {
    return SourceDSL.lists()
        .of(SourceDSL.integers().between(1, 4))
        .ofSizeBetween(minRank, maxRank)
        .zip(
            SourceDSL.integers().all(),
            SourceDSL.longs().all(),
            (d, b, s) -> new Spec(List.copyOf(d), b, s));
  }

  static long count(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  static double[] values(Random r, long[] shape, double lo, double hi, boolean signed) {
    double[] v = new double[(int) count(shape)];
    for (int i = 0; i < v.length; i++) {
      double x = lo + (hi - lo) * r.nextDouble();
      v[i] = signed && r.nextBoolean() ? -x : x;
    }
    return v;
  }

  static double[] normal(Random r, long[] shape) {
    double[] v = new double[(int) count(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextGaussian();
    }
    return v;
  }

  static void run(Gen<Spec> gen, java.util.function.Function<Spec, Case> make) {
    qt().withExamples(EXAMPLES)
        .withGenerateAttempts(EXAMPLES * 20)
        .forAll(gen)
        .checkAssert(
            s -> {
              Case c = make.apply(s);
              try {
                GradCheck.check(c, s.mode(), s.seed());
              } catch (AssertionError e) {
                throw e;
              } catch (Exception e) {
                throw new AssertionError(c + " mode " + s.mode() + ": " + e, e);
              }
            });
  }

  /** Marks a random non-empty subset of the operands trainable. */
  static List<Operand> choose(Random r, List<Operand> ops) {
    List<Operand> out = new ArrayList<>();
    int must = r.nextInt(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      Operand o = ops.get(i);
      out.add(new Operand(o.name(), o.data(), o.shape(), i == must || r.nextBoolean()));
    }
    return out;
  }

  static Case binary(String op, Spec s, double lo, double hi, boolean signedB) {
    Random r = s.rnd();
    long[] sa = s.broadcastShape(0);
    long[] sb = s.broadcastShape(1);
    List<Operand> ops =
        choose(
            r,
            List.of(
                new Operand("a", values(r, sa, lo, hi, !op.equals("Pow")), sa, false),
                new Operand("b", values(r, sb, lo, hi, signedB), sb, false)));
    return new Case(op, true, ops, (g, n) -> g.op(op, n.get("a"), n.get("b")));
  }

  @Test
  void add() {
    run(specs(0, 4), s -> binary("Add", s, 0.1, 2, true));
  }

  @Test
  void sub() {
    run(specs(0, 4), s -> binary("Sub", s, 0.1, 2, true));
  }

  @Test
  void mul() {
    run(specs(0, 4), s -> binary("Mul", s, 0.1, 2, true));
  }

  @Test
  void div() {
    run(specs(0, 4), s -> binary("Div", s, 0.5, 2, true));
  }

  @Test
  void maxAndMin() {
    run(specs(0, 4), s -> binary("Max", s, 0.1, 2, true));
    run(specs(0, 4), s -> binary("Min", s, 0.1, 2, true));
  }

  @Test
  void clip() {
    run(
        specs(0, 3),
        s -> {
          Random r = s.rnd();
          long[] sh = s.shape();
          double[] x = values(r, sh, 0.05, 2, true);
          for (int i = 0; i < x.length; i++) {
            if (Math.abs(Math.abs(x[i]) - 1) < 0.05) {
              x[i] *= 1.2; // away from the bounds, where the gradient jumps
            }
          }
          return new Case(
              "Clip [-1, 1]",
              true,
              List.of(new Operand("x", x, sh, true)),
              (g, n) ->
                  g.op(
                      "Clip",
                      n.get("x"),
                      GradCheck.scalar(g, -1, true),
                      GradCheck.scalar(g, 1, true)));
        });
  }

  @Test
  void powWithTensorExponent() {
    run(specs(0, 4), s -> binary("Pow", s, 0.5, 2, true));
  }

  @Test
  void powWithConstantExponent() {
    double[] exps = {2, 0.5, 3, -1.5, 1};
    run(
        specs(0, 4),
        s -> {
          Random r = s.rnd();
          long[] sh = s.shape();
          double p = exps[Math.floorMod(s.bits(), exps.length)];
          List<Operand> ops = List.of(new Operand("a", values(r, sh, 0.5, 2, p == 2), sh, true));
          return new Case(
              "Pow^" + p,
              true,
              ops,
              (g, n) -> g.op("Pow", n.get("a"), GradCheck.scalar(g, p, true)));
        });
  }

  @Test
  void sumOfThree() {
    run(
        specs(0, 4),
        s -> {
          Random r = s.rnd();
          List<Operand> ops = new ArrayList<>();
          for (int k = 0; k < 3; k++) {
            long[] sh = s.broadcastShape(k);
            ops.add(new Operand("x" + k, normal(r, sh), sh, false));
          }
          return new Case(
              "Sum",
              true,
              choose(r, ops),
              (g, n) -> g.op("Sum", n.get("x0"), n.get("x1"), n.get("x2")));
        });
  }

  @Test
  void where() {
    run(
        specs(0, 4),
        s -> {
          Random r = s.rnd();
          long[] sc = s.broadcastShape(0);
          long[] sa = s.broadcastShape(1);
          long[] sb = s.broadcastShape(2);
          long[] cond = new long[(int) count(sc)];
          for (int i = 0; i < cond.length; i++) {
            cond[i] = r.nextInt(2);
          }
          List<Operand> ops =
              choose(
                  r,
                  List.of(
                      new Operand("a", normal(r, sa), sa, false),
                      new Operand("b", normal(r, sb), sb, false)));
          return new Case(
              "Where",
              true,
              ops,
              (g, n) -> {
                String c =
                    g.cast(
                        g.initializer(g.fresh("cond"), cond, sc),
                        io.rstar4j.core.onnx.ElementType.BOOL);
                return g.where(c, n.get("a"), n.get("b"));
              });
        });
  }

  @Test
  void expand() {
    run(
        specs(0, 4),
        s -> {
          Random r = s.rnd();
          long[] sa = s.broadcastShape(0);
          long[] target = s.shape();
          return new Case(
              "Expand",
              true,
              List.of(new Operand("a", normal(r, sa), sa, true)),
              (g, n) -> g.expand(n.get("a"), g.constantInts(target)));
        });
  }

  // ------------------------------------------------------------------ unary

  static Case unary(String op, Spec s, double lo, double hi, boolean signed, boolean dbl) {
    Random r = s.rnd();
    long[] sh = s.shape();
    return new Case(
        op,
        dbl,
        List.of(new Operand("x", values(r, sh, lo, hi, signed), sh, true)),
        (g, n) -> g.op(op, n.get("x")));
  }

  @Test
  void unaryOperators() {
    Object[][] table = {
      {"Neg", 0.1, 2.0, true, true},
      {"Sqrt", 0.3, 3.0, false, true},
      {"Reciprocal", 0.3, 3.0, true, true},
      {"Exp", 0.0, 2.0, true, true},
      {"Log", 0.3, 3.0, false, true},
      {"Abs", 0.1, 2.0, true, true},
      {"Sin", 0.0, 3.0, true, true},
      {"Cos", 0.0, 3.0, true, true},
      {"Sigmoid", 0.0, 4.0, true, true},
      {"Tanh", 0.0, 3.0, true, true},
      {"Relu", 0.1, 2.0, true, true},
      {"Identity", 0.0, 2.0, true, true},
      {"Erf", 0.0, 2.0, true, false},
      {"Softplus", 0.0, 3.0, true, false},
    };
    for (Object[] row : table) {
      run(
          specs(0, 3),
          s ->
              unary(
                  (String) row[0],
                  s,
                  (double) row[1],
                  (double) row[2],
                  (boolean) row[3],
                  (boolean) row[4]));
    }
  }

  @Test
  void leakyRelu() {
    run(
        specs(0, 3),
        s -> {
          Random r = s.rnd();
          long[] sh = s.shape();
          return new Case(
              "LeakyRelu",
              true,
              List.of(new Operand("x", values(r, sh, 0.1, 2, true), sh, true)),
              (g, n) -> g.node("LeakyRelu").inputs(n.get("x")).attr("alpha", 0.2f).add());
        });
  }

  @Test
  void castToFloatAndBack() {
    run(
        specs(0, 3),
        s -> {
          Random r = s.rnd();
          long[] sh = s.shape();
          return new Case(
              "Cast",
              false,
              List.of(new Operand("x", normal(r, sh), sh, true)),
              (g, n) -> {
                String d = g.cast(n.get("x"), io.rstar4j.core.onnx.ElementType.DOUBLE);
                String sq = g.mul(d, d);
                return g.cast(sq, io.rstar4j.core.onnx.ElementType.FLOAT);
              });
        });
  }

  @Test
  void dropoutInInferenceMode() {
    run(
        specs(0, 3),
        s -> {
          Random r = s.rnd();
          long[] sh = s.shape();
          return new Case(
              "Dropout",
              true,
              List.of(new Operand("x", normal(r, sh), sh, true)),
              (g, n) -> g.node("Dropout").inputs(n.get("x")).add());
        });
  }

  @Test
  void dropoutInTrainingModeScalesTheKeptGradients() throws Exception {
    OnnxGraphBuilder g = OnnxGraphBuilder.create("dropout");
    int n = 200;
    double[] x = new double[n];
    double[] r = new double[n];
    Random rnd = new Random(4);
    for (int i = 0; i < n; i++) {
      x[i] = 0.5 + rnd.nextDouble();
      r[i] = rnd.nextGaussian();
    }
    String xs = GradCheck.rawInit(g, "x", x, new long[] {n}, false);
    String rs = GradCheck.rawInit(g, "R", r, new long[] {n}, false);
    String y =
        g.node("Dropout")
            .inputs(
                xs,
                GradCheck.scalar(g, 0.25, false),
                g.cast(g.constantScalar(1), io.rstar4j.core.onnx.ElementType.BOOL))
            .attr("seed", 7L)
            .add();
    String yy = g.identity(y);
    g.output(yy, io.rstar4j.core.onnx.ElementType.FLOAT, n);
    g.output(
        g.node("ReduceSum").inputs(g.mul(y, rs)).attr("keepdims", 0L).add(),
        "loss",
        io.rstar4j.core.onnx.ElementType.FLOAT);
    GradientGraph gg =
        TrainingGraphBuilder.forModel(g.build())
            .trainable(List.of("x"))
            .loss("loss")
            .keepOutputs(yy)
            .buildGradients();
    try (Ort s = new Ort(gg.model())) {
      Map<String, Ort.Out> out = s.run(Map.of("x", Ort.T.flt(x, n)));
      double[] dy = out.get(yy).v();
      double[] dx = out.get(gg.gradientOutputs().get("x")).v();
      int kept = 0;
      for (int i = 0; i < n; i++) {
        if (dy[i] != 0) {
          kept++;
          org.junit.jupiter.api.Assertions.assertEquals(r[i] / 0.75, dx[i], 1e-5);
        } else {
          org.junit.jupiter.api.Assertions.assertEquals(0, dx[i]);
        }
      }
      org.junit.jupiter.api.Assertions.assertTrue(kept > 100 && kept < 200, "kept " + kept);
    }
  }

  // ------------------------------------------------------------------ softmax, reductions

  @Test
  void softmaxAndLogSoftmax() {
    for (String op : List.of("Softmax", "LogSoftmax")) {
      run(
          specs(1, 4),
          s -> {
            Random r = s.rnd();
            long[] sh = s.shape();
            long axis = Math.floorMod(s.bits(), sh.length) - (r.nextBoolean() ? sh.length : 0);
            return new Case(
                op + " axis " + axis,
                true,
                List.of(new Operand("x", normal(r, sh), sh, true)),
                (g, n) -> g.node(op).inputs(n.get("x")).attr("axis", axis).add());
          });
    }
  }

  static long[] someAxes(Spec s, int rank, Random r) {
    List<Long> a = new ArrayList<>();
    for (int i = 0; i < rank; i++) {
      if (((s.bits() >>> i) & 1) == 1) {
        a.add(r.nextBoolean() ? (long) i : (long) (i - rank));
      }
    }
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i);
    }
    return out;
  }

  @Test
  void reductions() {
    for (String op : List.of("ReduceSum", "ReduceMean", "ReduceSumSquare")) {
      run(
          specs(0, 4),
          s -> {
            Random r = s.rnd();
            long[] sh = s.shape();
            long[] axes = someAxes(s, sh.length, r);
            boolean keep = ((s.bits() >>> 8) & 1) == 1;
            boolean noop = ((s.bits() >>> 9) & 1) == 1 && op.equals("ReduceSum");
            return new Case(
                op
                    + " axes "
                    + Arrays.toString(axes)
                    + (keep ? " keep" : "")
                    + (noop ? " noop" : ""),
                true,
                List.of(new Operand("x", normal(r, sh), sh, true)),
                (g, n) -> {
                  OnnxGraphBuilder.NodeBuilder nb = g.node(op).attr("keepdims", keep ? 1L : 0L);
                  if (op.equals("ReduceSum")) {
                    if (axes.length > 0) {
                      nb.inputs(n.get("x"), g.constantInts(axes));
                    } else {
                      nb.inputs(n.get("x"));
                    }
                    if (noop) {
                      nb.attr("noop_with_empty_axes", 1L);
                    }
                  } else {
                    nb.inputs(n.get("x"));
                    if (axes.length > 0) {
                      nb.attr("axes", axes);
                    }
                  }
                  return nb.add();
                });
          });
    }
  }

  // ------------------------------------------------------------------ views

  @Test
  void reshapeFlattenSqueezeUnsqueeze() {
    run(
        specs(0, 4),
        s -> {
          Random r = s.rnd();
          long[] sh = s.shape();
          long n = count(sh);
          int kind = Math.floorMod(s.bits(), 4);
          return switch (kind) {
            case 0 -> {
              // target: [n / k, k] with a -1, or a 0 copying the first dim
              long[] target =
                  sh.length >= 1 && r.nextBoolean()
                      ? new long[] {0, -1}
                      : new long[] {-1, n % 2 == 0 ? 2 : 1};
              yield new Case(
                  "Reshape " + Arrays.toString(target),
                  true,
                  List.of(new Operand("x", normal(r, sh), sh, true)),
                  (g, m) -> g.reshape(m.get("x"), target));
            }
            case 1 -> {
              long axis = sh.length == 0 ? 0 : r.nextInt(sh.length + 1);
              yield new Case(
                  "Flatten " + axis,
                  true,
                  List.of(new Operand("x", normal(r, sh), sh, true)),
                  (g, m) -> g.node("Flatten").inputs(m.get("x")).attr("axis", axis).add());
            }
            case 2 -> {
              long[] axes = {r.nextInt(sh.length + 1) - (r.nextBoolean() ? sh.length + 1 : 0)};
              yield new Case(
                  "Unsqueeze " + Arrays.toString(axes),
                  true,
                  List.of(new Operand("x", normal(r, sh), sh, true)),
                  (g, m) -> g.unsqueeze(m.get("x"), axes));
            }
            default -> {
              // squeeze the size-1 axes of a broadcast shape (all, or the listed ones)
              long[] bs = s.broadcastShape(0);
              List<Long> ones = new ArrayList<>();
              for (int i = 0; i < bs.length; i++) {
                if (bs[i] == 1) {
                  ones.add((long) i);
                }
              }
              boolean all = r.nextBoolean();
              long[] axes = ones.stream().mapToLong(Long::longValue).toArray();
              yield new Case(
                  "Squeeze " + (all ? "all" : Arrays.toString(axes)),
                  true,
                  List.of(new Operand("x", normal(r, bs), bs, true)),
                  (g, m) ->
                      all || axes.length == 0
                          ? g.op("Squeeze", m.get("x"))
                          : g.squeeze(m.get("x"), axes));
            }
          };
        });
  }

  @Test
  void transpose() {
    run(
        specs(1, 4),
        s -> {
          Random r = s.rnd();
          long[] sh = s.shape();
          List<Long> p = new ArrayList<>();
          for (int i = 0; i < sh.length; i++) {
            p.add((long) i);
          }
          java.util.Collections.shuffle(p, r);
          long[] perm = p.stream().mapToLong(Long::longValue).toArray();
          boolean dflt = ((s.bits() >>> 3) & 1) == 1;
          return new Case(
              "Transpose " + (dflt ? "default" : Arrays.toString(perm)),
              true,
              List.of(new Operand("x", normal(r, sh), sh, true)),
              (g, m) -> dflt ? g.op("Transpose", m.get("x")) : g.transpose(m.get("x"), perm));
        });
  }

  @Test
  void slice() {
    run(
        specs(1, 4),
        s -> {
          Random r = s.rnd();
          long[] sh = s.shape();
          int k = 1 + r.nextInt(sh.length);
          List<Integer> axesL = new ArrayList<>();
          for (int i = 0; i < sh.length; i++) {
            axesL.add(i);
          }
          java.util.Collections.shuffle(axesL, r);
          long[] axes = new long[k];
          long[] starts = new long[k];
          long[] ends = new long[k];
          for (int i = 0; i < k; i++) {
            int a = axesL.get(i);
            long d = sh[a];
            axes[i] = r.nextBoolean() ? a : a - sh.length;
            long st = r.nextInt((int) d);
            long en = st + 1 + r.nextInt((int) (d - st));
            starts[i] = r.nextBoolean() ? st : st - d;
            ends[i] =
                r.nextInt(4) == 0
                    ? Long.MAX_VALUE
                    : r.nextBoolean() ? en : en - d - (en == d ? 0 : 0);
            if (ends[i] == 0) {
              ends[i] = d;
            }
          }
          boolean noAxes = ((s.bits() >>> 5) & 1) == 1 && k == sh.length;
          long[] natural = new long[k];
          for (int i = 0; i < k; i++) {
            natural[i] = i;
          }
          boolean withSteps = ((s.bits() >>> 6) & 1) == 1;
          return new Case(
              "Slice starts "
                  + Arrays.toString(starts)
                  + " ends "
                  + Arrays.toString(ends)
                  + " axes "
                  + (noAxes ? "none" : Arrays.toString(axes)),
              true,
              List.of(new Operand("x", normal(r, sh), sh, true)),
              (g, m) -> {
                if (noAxes) {
                  // without axes the bounds apply to the leading axes in order
                  long[] st2 = new long[k];
                  long[] en2 = new long[k];
                  for (int i = 0; i < k; i++) {
                    int pos = (int) Math.floorMod(axes[i], (long) sh.length);
                    st2[pos] = starts[i];
                    en2[pos] = ends[i];
                  }
                  return g.op("Slice", m.get("x"), g.constantInts(st2), g.constantInts(en2));
                }
                if (withSteps) {
                  long[] ones = new long[k];
                  Arrays.fill(ones, 1);
                  return g.op(
                      "Slice",
                      m.get("x"),
                      g.constantInts(starts),
                      g.constantInts(ends),
                      g.constantInts(axes),
                      g.constantInts(ones));
                }
                return g.slice(m.get("x"), starts, ends, axes);
              });
        });
  }

  @Test
  void sliceWithBoundsComputedAtRunTime() {
    // rotate-half as exports write it: the half is Shape(x)[-1] / 2
    run(
        specs(1, 4),
        s -> {
          Random r = s.rnd();
          long[] sh = s.shape().clone();
          sh[sh.length - 1] = 2L * (1 + r.nextInt(2));
          return new Case(
              "rotate_half",
              true,
              List.of(new Operand("x", normal(r, sh), sh, true)),
              (g, m) -> {
                String x = m.get("x");
                String last =
                    g.slice(
                        g.shape(x), new long[] {-1}, new long[] {Long.MAX_VALUE}, new long[] {0});
                String half = g.div(last, g.constantInts(2));
                String x1 = g.op("Slice", x, g.constantInts(0), half, g.constantInts(-1));
                String x2 =
                    g.op("Slice", x, half, g.constantInts(Long.MAX_VALUE), g.constantInts(-1));
                return g.concat(-1, g.neg(x2), x1);
              });
        });
  }

  @Test
  void concat() {
    run(
        specs(1, 4),
        s -> {
          Random r = s.rnd();
          long[] sh = s.shape();
          int axis = Math.floorMod(s.bits(), sh.length);
          int parts = 2 + r.nextInt(2);
          List<Operand> ops = new ArrayList<>();
          for (int k = 0; k < parts; k++) {
            long[] p = sh.clone();
            p[axis] = r.nextInt(4) == 0 && k > 0 ? 0 : 1 + r.nextInt(3);
            ops.add(new Operand("x" + k, normal(r, p), p, false));
          }
          List<Operand> chosen = choose(r, ops);
          // an empty operand cannot be trained (no elements); keep it constant
          List<Operand> fixed = new ArrayList<>();
          boolean any = false;
          for (Operand o : chosen) {
            boolean t = o.trainable() && count(o.shape()) > 0;
            any |= t;
            fixed.add(new Operand(o.name(), o.data(), o.shape(), t));
          }
          if (!any) {
            Operand o = fixed.get(0);
            fixed.set(0, new Operand(o.name(), o.data(), o.shape(), true));
          }
          long ax = r.nextBoolean() ? axis : axis - sh.length;
          return new Case(
              "Concat axis " + ax,
              true,
              fixed,
              (g, m) -> {
                String[] in = new String[parts];
                for (int k = 0; k < parts; k++) {
                  in[k] = m.get("x" + k);
                }
                return g.concat(ax, in);
              });
        });
  }

  @Test
  void split() {
    run(
        specs(1, 4),
        s -> {
          Random r = s.rnd();
          long[] sh = s.shape().clone();
          int axis = Math.floorMod(s.bits(), sh.length);
          int parts = 2 + r.nextInt(2);
          long[] sizes = new long[parts];
          long total = 0;
          for (int k = 0; k < parts; k++) {
            sizes[k] = 1 + r.nextInt(2);
            total += sizes[k];
          }
          sh[axis] = total;
          boolean[] used = new boolean[parts];
          used[r.nextInt(parts)] = true;
          for (int k = 0; k < parts; k++) {
            used[k] |= r.nextBoolean();
          }
          return new Case(
              "Split "
                  + Arrays.toString(sizes)
                  + " axis "
                  + axis
                  + " used "
                  + Arrays.toString(used),
              true,
              List.of(new Operand("x", normal(r, sh), sh, true)),
              (g, m) -> {
                List<String> outs =
                    g.node("Split")
                        .inputs(m.get("x"), g.constantInts(sizes))
                        .attr("axis", (long) axis)
                        .outputs(fresh(g, parts))
                        .addAll();
                String acc = null;
                for (int k = 0; k < parts; k++) {
                  if (used[k]) {
                    String t = g.reduceSum(g.mul(outs.get(k), outs.get(k)), true, axis);
                    acc = acc == null ? t : g.add(acc, t);
                  }
                }
                return acc;
              });
        });
  }

  static String[] fresh(OnnxGraphBuilder g, int n) {
    String[] s = new String[n];
    for (int i = 0; i < n; i++) {
      s[i] = g.fresh("part");
    }
    return s;
  }

  @Test
  void gather() {
    run(
        specs(1, 3),
        s -> {
          Random r = s.rnd();
          long[] sh = s.shape();
          int axis = Math.floorMod(s.bits(), sh.length);
          int q = Math.floorMod(s.bits() >>> 4, 3);
          long[] ishape = new long[q];
          for (int i = 0; i < q; i++) {
            ishape[i] = 1 + r.nextInt(3);
          }
          long[] idx = new long[(int) count(ishape)];
          for (int i = 0; i < idx.length; i++) {
            idx[i] = r.nextInt((int) sh[axis]) - (r.nextBoolean() ? sh[axis] : 0);
          }
          boolean runtime = ((s.bits() >>> 7) & 1) == 1;
          long ax = r.nextBoolean() ? axis : axis - sh.length;
          return new Case(
              "Gather axis " + ax + " indices " + Arrays.toString(idx) + Arrays.toString(ishape),
              true,
              List.of(new Operand("x", normal(r, sh), sh, true)),
              (g, m) -> {
                String i = g.initializer(g.fresh("idx"), idx, ishape);
                if (runtime) {
                  i = g.op("Identity", g.op("Add", i, g.constantScalar(0)));
                }
                return g.gather(m.get("x"), i, ax);
              });
        });
  }

  @Test
  void gatherElements() {
    run(
        specs(1, 3),
        s -> {
          Random r = s.rnd();
          long[] sh = s.shape();
          int axis = Math.floorMod(s.bits(), sh.length);
          long[] ishape = sh.clone();
          ishape[axis] = 1 + r.nextInt(3);
          long[] idx = new long[(int) count(ishape)];
          for (int i = 0; i < idx.length; i++) {
            idx[i] = r.nextInt((int) sh[axis]) - (r.nextBoolean() ? sh[axis] : 0);
          }
          return new Case(
              "GatherElements axis " + axis,
              true,
              List.of(new Operand("x", normal(r, sh), sh, true)),
              (g, m) ->
                  g.node("GatherElements")
                      .inputs(m.get("x"), g.initializer(g.fresh("idx"), idx, ishape))
                      .attr("axis", (long) axis)
                      .add());
        });
  }

  // ------------------------------------------------------------------ products

  @Test
  void matMul() {
    run(
        specs(0, 2),
        s -> {
          Random r = s.rnd();
          int kind = Math.floorMod(s.bits(), 4);
          long m = 1 + r.nextInt(3);
          long k = 1 + r.nextInt(3);
          long n = 1 + r.nextInt(3);
          long[] batch = s.shape();
          long[] sa;
          long[] sb;
          switch (kind) {
            case 0 -> {
              sa = new long[] {k};
              sb = concat(s.broadcastShape(1), k, n);
            }
            case 1 -> {
              sa = concat(s.broadcastShape(0), m, k);
              sb = new long[] {k};
            }
            case 2 -> {
              sa = new long[] {k};
              sb = new long[] {k};
            }
            default -> {
              sa = concat(s.broadcastShape(0), m, k);
              sb = concat(r.nextBoolean() ? new long[0] : s.broadcastShape(1), k, n);
            }
          }
          assert batch != null;
          List<Operand> ops =
              choose(
                  r,
                  List.of(
                      new Operand("a", normal(r, sa), sa, false),
                      new Operand("b", normal(r, sb), sb, false)));
          return new Case("MatMul", true, ops, (g, x) -> g.matMul(x.get("a"), x.get("b")));
        });
  }

  static long[] concat(long[] batch, long... tail) {
    long[] r = Arrays.copyOf(batch, batch.length + tail.length);
    System.arraycopy(tail, 0, r, batch.length, tail.length);
    return r;
  }

  @Test
  void gemm() {
    run(
        specs(0, 0),
        s -> {
          Random r = s.rnd();
          boolean ta = (s.bits() & 1) == 1;
          boolean tb = (s.bits() & 2) == 2;
          int cKind = Math.floorMod(s.bits() >>> 2, 5);
          long m = 1 + r.nextInt(3);
          long k = 1 + r.nextInt(3);
          long n = 1 + r.nextInt(3);
          long[] sa = ta ? new long[] {k, m} : new long[] {m, k};
          long[] sb = tb ? new long[] {n, k} : new long[] {k, n};
          long[] sc =
              switch (cKind) {
                case 0 -> new long[0];
                case 1 -> new long[] {n};
                case 2 -> new long[] {m, 1};
                case 3 -> new long[] {m, n};
                default -> null;
              };
          float alpha = r.nextBoolean() ? 1f : 0.7f;
          float beta = r.nextBoolean() ? 1f : -1.3f;
          List<Operand> ops = new ArrayList<>();
          ops.add(new Operand("a", normal(r, sa), sa, false));
          ops.add(new Operand("b", normal(r, sb), sb, false));
          if (sc != null) {
            ops.add(new Operand("c", normal(r, sc), sc, false));
          }
          return new Case(
              "Gemm transA "
                  + ta
                  + " transB "
                  + tb
                  + " C "
                  + (sc == null ? "none" : Arrays.toString(sc)),
              true,
              choose(r, ops),
              (g, x) -> {
                OnnxGraphBuilder.NodeBuilder nb = g.node("Gemm").inputs(x.get("a"), x.get("b"));
                if (sc != null) {
                  nb.inputs(x.get("c"));
                }
                return nb.attr("transA", ta ? 1L : 0L)
                    .attr("transB", tb ? 1L : 0L)
                    .attr("alpha", alpha)
                    .attr("beta", beta)
                    .add();
              });
        });
  }

  // ------------------------------------------------------------------ normalisation

  @Test
  void layerNormalization() {
    for (String op : List.of("LayerNormalization", "SimplifiedLayerNormalization")) {
      for (boolean dbl : new boolean[] {true, false}) {
        run(
            specs(1, 3),
            s -> {
              Random r = s.rnd();
              long[] sh = s.shape().clone();
              // float finite differences need well-conditioned groups: 3+ spread-out values
              sh[sh.length - 1] = Math.max(3, sh[sh.length - 1]);
              int axis = Math.floorMod(s.bits(), sh.length);
              long ax = r.nextBoolean() ? axis : axis - sh.length;
              long[] ss = Arrays.copyOfRange(sh, axis, sh.length);
              boolean bias = op.startsWith("Layer") && r.nextBoolean();
              // values spread inside each normalised group: near-equal values make the
              // normalisation so curved that finite differences, not the rule, go wrong
              double[] xv = normal(r, sh);
              for (int i = 0; i < xv.length; i++) {
                xv[i] = 0.3 * xv[i] + (i % sh[sh.length - 1]) - 0.5 * sh[sh.length - 1];
              }
              List<Operand> ops = new ArrayList<>();
              ops.add(new Operand("x", xv, sh, false));
              ops.add(new Operand("scale", values(r, ss, 0.5, 1.5, true), ss, false));
              if (bias) {
                ops.add(new Operand("bias", normal(r, ss), ss, false));
              }
              return new Case(
                  op + " axis " + ax + (bias ? " bias" : ""),
                  dbl,
                  choose(r, ops),
                  (g, x) -> {
                    OnnxGraphBuilder.NodeBuilder nb = g.node(op).inputs(x.get("x"), x.get("scale"));
                    if (bias) {
                      nb.inputs(x.get("bias"));
                    }
                    return nb.attr("axis", ax).attr("epsilon", 1e-5f).add();
                  });
            });
      }
    }
  }

  @Test
  void opset18ReductionsAndNormalisationTakeAxesAsInputs() {
    run(
        specs(1, 3),
        s -> {
          Random r = s.rnd();
          long[] sh = s.shape().clone();
          sh[sh.length - 1] = Math.max(3, sh[sh.length - 1]);
          long[] ss = {sh[sh.length - 1]};
          double[] xv = normal(r, sh);
          for (int i = 0; i < xv.length; i++) {
            xv[i] = 0.3 * xv[i] + (i % sh[sh.length - 1]); // well-conditioned groups
          }
          List<Operand> ops =
              choose(
                  r,
                  List.of(
                      new Operand("x", xv, sh, false),
                      new Operand("scale", values(r, ss, 0.5, 1.5, true), ss, false)));
          return new Case(
              "opset 18 ReduceMean + LayerNormalization + ReduceSumSquare",
              true,
              ops,
              (g, x) -> {
                String m = g.reduceMean(x.get("x"), true, -1); // axes input at opset 18
                String ln =
                    g.node("LayerNormalization")
                        .inputs(g.sub(x.get("x"), m), x.get("scale"))
                        .attr("axis", -1L)
                        .attr("epsilon", 1e-5f)
                        .add();
                String sq =
                    g.node("ReduceSumSquare")
                        .inputs(ln, g.constantInts(-1))
                        .attr("keepdims", 1L)
                        .add();
                return g.add(ln, sq);
              },
              18);
        });
  }

  @Test
  void aParameterUsedTwiceGetsBothContributions() {
    // tied embeddings: Gather rows for the input, and the transposed matrix as the output head
    run(
        specs(0, 0),
        s -> {
          Random r = s.rnd();
          long v = 2 + r.nextInt(4);
          long h = 1 + r.nextInt(3);
          long[] ids = new long[1 + r.nextInt(4)];
          for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt((int) v);
          }
          return new Case(
              "tied Gather + MatMul(Transpose)",
              true,
              List.of(new Operand("w", normal(r, new long[] {v, h}), new long[] {v, h}, true)),
              (g, x) -> {
                String e = g.gather(x.get("w"), g.initializer(g.fresh("ids"), ids, ids.length), 0);
                return g.softmax(g.matMul(g.tanh(e), g.transpose(x.get("w"), 1, 0)), -1);
              });
        });
  }

  @AfterAll
  static void summary() {
    StringBuilder b = new StringBuilder("worst gradient errors against finite differences:\n");
    for (Map.Entry<String, double[]> e : new TreeMap<>(GradCheck.WORST).entrySet()) {
      b.append(
          String.format(
              "  %-60s abs %.2e  rel %.2e%n", e.getKey(), e.getValue()[0], e.getValue()[1]));
    }
    System.out.print(b);
  }

  static BiFunction<OnnxGraphBuilder, Map<String, String>, String> unused() {
    return null;
  }
}
