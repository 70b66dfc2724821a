package io.rstar4j.train.ppm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rstar4j.core.model.GraphSession;
import io.rstar4j.core.model.ProviderChoice;
import io.rstar4j.core.model.Tensor;
import io.rstar4j.core.onnx.ElementType;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainingGraphsTest {
  static double[] randn(Random r, int n, double scale) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextGaussian() * scale;
    }
    return x;
  }

  static Tensor t(double[] x, long... shape) {
    return Tensor.of(x, shape);
  }

  static GraphSession open(byte[] graph) {
    return GraphSession.builder().provider(ProviderChoice.CPU).open(graph, "test graph");
  }

  @Test
  void gradientMatchesFiniteDifferencesOfTheLoss() throws Exception {
    int h = 7;
    int rows = 5;
    Random rnd = new Random(42);
    double[] xPos = randn(rnd, rows * h, 1);
    double[] xNeg = randn(rnd, rows * h, 1);
    double[] weight = {1.0, 0.5, 0.25, 1.0 / 3, 1.0};
    double[] w = randn(rnd, h, 0.7);
    try (GraphSession step =
            open(TrainingGraphs.stepGraph(h, ElementType.DOUBLE, 0.9, 0.999, 1e-8, 0.01));
        GraphSession eval = open(TrainingGraphs.evalGraph(h, ElementType.DOUBLE))) {
      Map<String, Tensor> in = new HashMap<>();
      in.put("x_pos", t(xPos, rows, h));
      in.put("x_neg", t(xNeg, rows, h));
      in.put("weight", t(weight, rows));
      in.put("w", t(w, h));
      in.put("m", t(new double[h], h));
      in.put("v", t(new double[h], h));
      in.put("lr", Tensor.scalar(1e-3));
      in.put("bc1", Tensor.scalar(0.1));
      in.put("bc2", Tensor.scalar(0.001));
      Map<String, Tensor> r = step.run(in);
      double[] grad = r.get("grad").toDoubleArray();
      double loss = r.get("loss").doubleValue();
      // the loss itself against a direct computation
      double want = 0;
      for (int i = 0; i < rows; i++) {
        double d = 0;
        for (int j = 0; j < h; j++) {
          d += (xPos[i * h + j] - xNeg[i * h + j]) * w[j];
        }
        want += weight[i] * -Math.log(1 / (1 + Math.exp(-d)));
      }
      assertEquals(want, loss, 1e-12);
      double eps = 1e-6;
      for (int j = 0; j < h; j++) {
        double[] plus = w.clone();
        double[] minus = w.clone();
        plus[j] += eps;
        minus[j] -= eps;
        double fd = (lossOf(eval, in, plus, h) - lossOf(eval, in, minus, h)) / (2 * eps);
        assertEquals(fd, grad[j], 1e-7 * (1 + Math.abs(fd)), "d loss / d w[" + j + "]");
      }
    }
  }

  private static double lossOf(GraphSession eval, Map<String, Tensor> base, double[] w, int h) {
    Map<String, Tensor> in = new HashMap<>();
    in.put("x_pos", base.get("x_pos"));
    in.put("x_neg", base.get("x_neg"));
    in.put("weight", base.get("weight"));
    in.put("w", t(w, h));
    return eval.run(in, java.util.Set.of("loss")).get("loss").doubleValue();
  }

  @Test
  void adamWStepsMatchAReferenceImplementation() throws Exception {
    int h = 5;
    int rows = 3;
    Random rnd = new Random(7);
    float[] w0 = new float[h];
    for (int j = 0; j < h; j++) {
      w0[j] = (float) rnd.nextGaussian();
    }
    double b1 = 0.9;
    double b2 = 0.999;
    double eps = 1e-8;
    double wd = 0.1;
    double lr = 0.05;
    try (HeadOptimizer opt = new HeadOptimizer(ProviderChoice.CPU, w0, b1, b2, eps, wd)) {
      double[] w = new double[h];
      double[] m = new double[h];
      double[] v = new double[h];
      for (int j = 0; j < h; j++) {
        w[j] = w0[j];
      }
      for (int step = 1; step <= 5; step++) {
        float[] xp = new float[rows * h];
        float[] xn = new float[rows * h];
        for (int i = 0; i < rows * h; i++) {
          xp[i] = (float) rnd.nextGaussian();
          xn[i] = (float) rnd.nextGaussian();
        }
        float[] weight = {1f, 0.5f, 0.25f};
        // reference: PyTorch's AdamW
        double[] g = new double[h];
        double loss = 0;
        for (int i = 0; i < rows; i++) {
          double d = 0;
          for (int j = 0; j < h; j++) {
            d += (xp[i * h + j] - xn[i * h + j]) * w[j];
          }
          loss += weight[i] * Math.log1p(Math.exp(-d));
          double dd = -weight[i] / (1 + Math.exp(d));
          for (int j = 0; j < h; j++) {
            g[j] += dd * (xp[i * h + j] - xn[i * h + j]);
          }
        }
        for (int j = 0; j < h; j++) {
          w[j] *= 1 - lr * wd;
          m[j] = b1 * m[j] + (1 - b1) * g[j];
          v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
          double mh = m[j] / (1 - Math.pow(b1, step));
          double vh = v[j] / (1 - Math.pow(b2, step));
          w[j] -= lr * mh / (Math.sqrt(vh) + eps);
        }
        HeadOptimizer.Eval e = opt.step(xp, xn, weight, rows, lr);
        assertEquals(loss, e.loss(), 1e-4 * (1 + loss));
        for (int j = 0; j < h; j++) {
          assertEquals(w[j], opt.w[j], 1e-4, "w[" + j + "] after step " + step);
        }
      }
      assertEquals(5, opt.t);
    }
  }

  @Test
  void lossIsFiniteForExtremeMargins() throws Exception {
    try (HeadOptimizer opt =
        new HeadOptimizer(ProviderChoice.CPU, new float[] {1f}, 0.9, 0.999, 1e-8, 0)) {
      HeadOptimizer.Eval e =
          opt.evaluate(
              new float[] {500f, -500f}, new float[] {-500f, 500f}, new float[] {1f, 1f}, 2);
      assertEquals(1000.0, e.loss(), 1e-3); // softplus(-1000) ~ 0, softplus(1000) = 1000
      assertTrue(Double.isFinite(e.loss()));
      assertEquals(1000f, e.margins()[0]);
    }
  }
}
