package rlhf.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

class SftLossAndCalibrationTest {

    @Test
    void sftLossAveragesOnlyAnswerTokens() {
        try (NDManager m = NDManager.newBaseManager()) {
            // two answers: (−1, −2, pad) and (−0.5, pad, pad): mean over 3 tokens = (1 + 2 + 0.5) / 3 = 1.1666667
            var logProbs = m.create(new float[] {-1f, -2f, -9f, -0.5f, -9f, -9f}, new Shape(2, 3));
            var mask = m.create(new float[] {1, 1, 0, 1, 0, 0}, new Shape(2, 3));
            assertThat(SftLoss.loss(logProbs, mask).getFloat()).isCloseTo(1.1666667f, within(1e-6f));
        }
    }

    @Test
    void calibrationTableAndEceByHand() {
        double[] p = {0.1, 0.1, 0.9, 0.9, 0.55};
        int[] aPreferred = {0, 1, 1, 1, 1};
        PreferenceCalibration.Report r = PreferenceCalibration.evaluate(p, aPreferred, 10);
        // bin [0.1,0.2): 2 pairs, predicted 0.1, observed 0.5 → 2/5·0.4 = 0.16
        // bin [0.5,0.6): 1 pair, predicted 0.55, observed 1 → 1/5·0.45 = 0.09
        // bin [0.9,1.0]: 2 pairs, predicted 0.9, observed 1 → 2/5·0.1 = 0.04
        assertThat(r.expectedCalibrationError()).isCloseTo(0.29, within(1e-12));
        assertThat(r.bins().get(1).count()).isEqualTo(2);
        assertThat(r.bins().get(1).observed()).isEqualTo(0.5);
        assertThat(r.pairwiseAccuracy()).isCloseTo(0.8, within(1e-12));
        assertThat(PreferenceCalibration.preferenceProbability(0, 0)).isEqualTo(0.5);
    }

    @Test
    void perfectlyCalibratedPredictionsHaveNearZeroEce() {
        java.util.Random random = new java.util.Random(1);
        int n = 200_000;
        double[] p = new double[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = random.nextDouble();
            y[i] = random.nextDouble() < p[i] ? 1 : 0;
        }
        assertThat(PreferenceCalibration.evaluate(p, y, 10).expectedCalibrationError()).isLessThan(0.01);
    }

    @Test
    void temperatureScaleByHand() {
        // three pairs won by the higher reward and one lost, all at margin 1: minimise 3·softplus(−s) + softplus(s);
        // the derivative vanishes where σ(s) = 3·σ(−s), i.e. σ(s) = 0.75, s = ln 3 = 1.0986123
        double s = PreferenceCalibration.fitScale(new double[] {1, 1, 1, -1});
        assertThat(s).isCloseTo(Math.log(3), org.assertj.core.api.Assertions.within(1e-9));
        // margins twice too small for the labelers (P = σ(2d) generated, d seen): the fitted scale is about 2
        java.util.Random random = new java.util.Random(5);
        double[] margins = new double[100_000];
        for (int i = 0; i < margins.length; i++) {
            double d = random.nextGaussian();
            boolean higherWins = random.nextDouble() < 1 / (1 + Math.exp(-2 * d));
            margins[i] = higherWins ? d : -d;
        }
        assertThat(PreferenceCalibration.fitScale(margins)).isCloseTo(2, org.assertj.core.api.Assertions.within(0.05));
        assertThat(PreferenceCalibration.scaledLoss(new double[] {1, -1}, 0))
                .isCloseTo(Math.log(2), org.assertj.core.api.Assertions.within(1e-12));
        // a perfectly separated set wants an infinite scale: it stops at the bound instead of diverging
        assertThat(PreferenceCalibration.fitScale(new double[] {1, 2})).isEqualTo(PreferenceCalibration.MAX_SCALE);
    }

    @Test
    void boundedSquashByHand() {
        // s = 2, μ = 1, c = ln 9: r(1.5) = (ln 9 / 2)·tanh(2·2·0.5 / ln 9) = 1.0986123·tanh(0.9102392) = 0.7923709
        PreferenceCalibration.Squash q = new PreferenceCalibration.Squash(2, 1, Math.log(9));
        assertThat(q.apply(1.5)).isCloseTo(0.7923709, within(1e-6));
        assertThat(q.apply(1)).isEqualTo(0);
        assertThat(q.maxProbability()).isCloseTo(0.9, within(1e-12)); // σ(ln 9)
        assertThat(q.apply(1e6) - q.apply(-1e6)).isCloseTo(Math.log(9), within(1e-9)); // no margin exceeds c
        assertThat(new PreferenceCalibration.Squash(2, 1, 0).apply(1.5)).isEqualTo(1.0); // unbounded: s·(u − μ)
    }

    @Test
    void theBoundRecoversTheLabelersFlipRate() {
        // Labelers who flip 1 pair in 10 whatever the margin: at every margin 9 pairs go to the higher reward and 1 to
        // the lower. The best any reward model can predict is 0.9 everywhere; plain temperature scaling cannot, since
        // σ(s·d) differs between d = 0.5 and d = 8.
        List<Double> winners = new ArrayList<>();
        List<Double> losers = new ArrayList<>();
        for (double d : new double[] {0.5, 1, 2, 4, 8}) {
            for (int i = 0; i < 10; i++) {
                boolean flipped = i == 0;
                winners.add(flipped ? -d / 2 : d / 2);
                losers.add(flipped ? d / 2 : -d / 2);
            }
        }
        double[] w = winners.stream().mapToDouble(Double::doubleValue).toArray();
        double[] l = losers.stream().mapToDouble(Double::doubleValue).toArray();
        PreferenceCalibration.Squash q = PreferenceCalibration.fitBounded(w, l);
        assertThat(q.maxProbability()).isCloseTo(0.9, within(0.01));
        // the fit reaches the binary entropy H(0.1) = 0.3250830 nats, the least NLL possible on these labels
        assertThat(PreferenceCalibration.squashedLoss(w, l, q)).isCloseTo(0.3250830, within(0.005));
        double[] margins = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            margins[i] = w[i] - l[i];
        }
        double plain = PreferenceCalibration.scaledLoss(margins, PreferenceCalibration.fitScale(margins));
        assertThat(plain).isGreaterThan(0.34);
    }

    @Test
    void withoutFlipsTheFitIsPlainTemperatureScaling() {
        // P = σ(2d) exactly, as in temperatureScaleByHand: the fit keeps the margins near 2d where the data is
        java.util.Random random = new java.util.Random(5);
        double[] w = new double[20_000];
        double[] l = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            double d = random.nextGaussian();
            boolean higherWins = random.nextDouble() < 1 / (1 + Math.exp(-2 * d));
            w[i] = higherWins ? d / 2 : -d / 2;
            l[i] = -w[i];
        }
        PreferenceCalibration.Squash q = PreferenceCalibration.fitBounded(w, l);
        for (double d : new double[] {0.25, 0.5, 1}) {
            assertThat(q.apply(d / 2) - q.apply(-d / 2)).as("margin at d = %s", d).isCloseTo(2 * d, within(0.1 * d));
        }
        assertThatThrownBy(() -> PreferenceCalibration.fitBounded(new double[] {1}, new double[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
