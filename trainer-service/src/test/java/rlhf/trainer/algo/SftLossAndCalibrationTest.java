package rlhf.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
}
