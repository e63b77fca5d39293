package rlhf.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** PPO's equations against numbers computed by hand. */
class PpoMathTest {

    @Test
    void gaeWithGammaAndLambdaOneIsReturnMinusValue() {
        Gae.Result r = Gae.compute(new float[] {1, 2, 3}, new float[] {0.5f, 1, 1.5f}, 1, 1);
        // returns-to-go 6, 5, 3 minus values 0.5, 1, 1.5
        assertThat(r.advantages()).containsExactly(5.5f, 4f, 1.5f);
        assertThat(r.returns()).containsExactly(6f, 5f, 3f);
    }

    @Test
    void gaeThreeStepsByHand() {
        // r = (0, 0, 1), V = (0.5, 0.6, 0.7), γ = 0.9, λ = 0.8, γλ = 0.72
        // δ2 = 1 − 0.7 = 0.3;  δ1 = 0.9·0.7 − 0.6 = 0.03;  δ0 = 0.9·0.6 − 0.5 = 0.04
        // A2 = 0.3;  A1 = 0.03 + 0.72·0.3 = 0.246;  A0 = 0.04 + 0.72·0.246 = 0.21712
        Gae.Result r = Gae.compute(new float[] {0, 0, 1}, new float[] {0.5f, 0.6f, 0.7f}, 0.9f, 0.8f);
        assertThat(r.advantages()[0]).isCloseTo(0.21712f, within(1e-6f));
        assertThat(r.advantages()[1]).isCloseTo(0.246f, within(1e-6f));
        assertThat(r.advantages()[2]).isCloseTo(0.3f, within(1e-6f));
        assertThat(r.returns()[0]).isCloseTo(0.71712f, within(1e-6f));
        assertThat(r.returns()[2]).isCloseTo(1.0f, within(1e-6f));
    }

    @Test
    void clippedObjectiveByHand() {
        assertThat(PpoClippedObjective.objective(1.5, 1, 0.2)).isCloseTo(1.2, within(1e-12)); // clipped at 1 + ε
        assertThat(PpoClippedObjective.objective(0.5, 1, 0.2)).isCloseTo(0.5, within(1e-12)); // min picks unclipped
        assertThat(PpoClippedObjective.objective(0.5, -1, 0.2)).isCloseTo(-0.8, within(1e-12)); // clipped at 1 − ε
        assertThat(PpoClippedObjective.objective(1.5, -1, 0.2)).isCloseTo(-1.5, within(1e-12));
        try (NDManager m = NDManager.newBaseManager()) {
            // token 1: ratio 1.5, A = +1 → 1.2 (clipped); token 2: ratio 1, A = −2 → −2; token 3 masked out
            var logProbs = m.create(new float[] {(float) Math.log(1.5), 0f, 5f}, new Shape(1, 3));
            var old = m.create(new float[] {0f, 0f, 0f}, new Shape(1, 3));
            var adv = m.create(new float[] {1f, -2f, 100f}, new Shape(1, 3));
            var mask = m.create(new float[] {1f, 1f, 0f}, new Shape(1, 3));
            PpoClippedObjective.Output out = PpoClippedObjective.compute(logProbs, old, adv, mask, 0.2f);
            assertThat(out.loss().getFloat()).isCloseTo(-(1.2f - 2f) / 2, within(1e-6f)); // 0.4
            assertThat(out.clipFraction().getFloat()).isCloseTo(0.5f, within(1e-6f));
            // k3 of ratio 1.5: 0.5 − ln 1.5 = 0.0945349; of ratio 1: 0 → mean 0.0472674
            assertThat(out.approxKl().getFloat()).isCloseTo(0.0472674f, within(1e-6f));
        }
    }

    @Test
    void valueClippingByHand() {
        // V = 2.0, V_old = 1.0, R = 3.0, ε_v = 0.2: V_clip = 1.2; max((2−3)², (1.2−3)²) = 3.24 → 1.62
        assertThat(ClippedValueLoss.loss(2.0, 1.0, 3.0, 0.2)).isCloseTo(1.62, within(1e-12));
        // V inside the clip range: both terms equal, ½·(1.1 − 3)² = 1.805
        assertThat(ClippedValueLoss.loss(1.1, 1.0, 3.0, 0.2)).isCloseTo(1.805, within(1e-12));
        try (NDManager m = NDManager.newBaseManager()) {
            float loss = ClippedValueLoss.loss(m.create(new float[] {2f, 1.1f}, new Shape(1, 2)),
                    m.create(new float[] {1f, 1f}, new Shape(1, 2)), m.create(new float[] {3f, 3f}, new Shape(1, 2)),
                    m.create(new float[] {1f, 1f}, new Shape(1, 2)), 0.2f).getFloat();
            assertThat(loss).isCloseTo((1.62f + 1.805f) / 2, within(1e-5f));
        }
    }

    @Test
    void klEstimatorsAndShapedRewardsByHand() {
        float[] logp = {-1f, -2f};
        float[] ref = {-1.5f, -1.5f};
        assertThat(KlPenalty.k1(logp, ref)).containsExactly(0.5f, -0.5f);
        // k3: log r = ref − logp = −0.5 → e^−0.5 − 1 + 0.5 = 0.1065307; log r = 0.5 → e^0.5 − 1 − 0.5 = 0.1487213
        float[] k3 = KlPenalty.k3(logp, ref);
        assertThat(k3[0]).isCloseTo(0.1065307f, within(1e-6f));
        assertThat(k3[1]).isCloseTo(0.1487213f, within(1e-6f));
        // β = 0.1, RM score 2 on the last token: (−0.05, 0.05 + 2)
        float[] shaped = KlPenalty.shapedRewards(logp, ref, 2f, 0.1f);
        assertThat(shaped[0]).isCloseTo(-0.05f, within(1e-7f));
        assertThat(shaped[1]).isCloseTo(2.05f, within(1e-6f));
    }

    @Test
    void adaptiveKlUpdateByHand() {
        AdaptiveKlController c = new AdaptiveKlController(0.1, 6, 10_000);
        // KL 9 vs target 6: error 0.5 clipped to 0.2; β = 0.1 · (1 + 0.2 · 256 / 10,000) = 0.100512
        assertThat(c.update(9, 256)).isCloseTo(0.100512, within(1e-12));
        AdaptiveKlController d = new AdaptiveKlController(0.1, 6, 10_000);
        // KL 5.4: error −0.1; β = 0.1 · (1 − 0.1 · 0.0256) = 0.099744
        assertThat(d.update(5.4, 256)).isCloseTo(0.099744, within(1e-12));
    }

    @Test
    void leaveOneOutBaselineByHand() {
        // group a: returns 1, 2, 3, 6; group b: 5 alone
        double[] a = LeaveOneOutBaseline.advantages(new double[] {1, 2, 3, 6, 5}, List.of("a", "a", "a", "a", "b"));
        assertThat(a[0]).isCloseTo(1 - 11.0 / 3, within(1e-12)); // 1 − mean(2, 3, 6)
        assertThat(a[1]).isCloseTo(2 - 10.0 / 3, within(1e-12));
        assertThat(a[2]).isCloseTo(3 - 3.0, within(1e-12));
        assertThat(a[3]).isCloseTo(6 - 2.0, within(1e-12));
        assertThat(a[4]).isZero(); // no baseline
        assertThat(a[0] + a[1] + a[2] + a[3]).isCloseTo(0, within(1e-12)); // a group's advantages sum to 0
        assertThat(LeaveOneOutBaseline.alone(List.of("a", "a", "b"))).isEqualTo(1);
    }

    @Test
    void eloFromPairwiseResults() {
        List<EloRatings.Result> results = new ArrayList<>(EloRatings.headToHead("policy-v2", "sft", 300, 0, 100));
        Map<String, Double> r = EloRatings.fit(List.of("sft", "policy-v2"), results, 1000);
        assertThat(r.get("sft")).isEqualTo(1000.0);
        // a 75% score is 400·log10(3) = 190.8 Elo (the weak prior shrinks it slightly)
        assertThat(r.get("policy-v2") - 1000).isCloseTo(190.8, within(3.0));
        Map<String, Double> even = EloRatings.fit(List.of("a", "b"), EloRatings.headToHead("a", "b", 10, 20, 10), 1000);
        assertThat(even.get("b")).isCloseTo(1000.0, within(1e-6));
        assertThat(EloRatings.expectedScore(1190.85, 1000)).isCloseTo(0.75, within(1e-3));
    }

    @Test
    void sqrtKlFitAndRunningMoments() {
        SqrtKlRewardFit.Fit fit = SqrtKlRewardFit.fit(new double[] {0, 1, 4, 9}, new double[] {1, 3, 5, 7});
        assertThat(fit.slope()).isCloseTo(2, within(1e-12));
        assertThat(fit.intercept()).isCloseTo(1, within(1e-12));
        assertThat(fit.rSquared()).isCloseTo(1, within(1e-12));
        RunningMoments m = new RunningMoments();
        m.update(new float[] {1, 2});
        m.update(new float[] {3, 4});
        assertThat(m.mean()).isCloseTo(2.5, within(1e-12));
        assertThat(m.std()).isCloseTo(Math.sqrt(1.25), within(1e-12));
        assertThat(m.normalize(4, true)).isCloseTo((float) (1.5 / Math.sqrt(1.25)), within(1e-6f));
    }
}
