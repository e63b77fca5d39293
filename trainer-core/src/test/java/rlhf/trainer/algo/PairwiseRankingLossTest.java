package rlhf.trainer.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

/** InstructGPT eq. 1 over K-way rankings, against numbers computed by hand. */
class PairwiseRankingLossTest {

    @Test
    void pairsComeFromDifferentTiersOnly() {
        // A > B = C (K = 3 with a tie): pairs (A,B), (A,C); B and C form none.
        List<int[]> pairs = RankingPairs.of(List.of(new int[] {0}, new int[] {1, 2}), 3);
        assertThat(pairs).containsExactly(new int[] {0, 1}, new int[] {0, 2});
        // A > B > C = D: 1·1 + 1·2 + 1·2 = 5 pairs
        assertThat(RankingPairs.of(List.of(new int[] {0}, new int[] {1}, new int[] {2, 3}), 4)).hasSize(5);
    }

    @Test
    void malformedRankingsAreRejectedNamingTheField() {
        assertThatThrownBy(() -> RankingPairs.of(List.of(new int[] {0}, new int[] {0, 1}), 2)).hasMessageStartingWith("ranking:");
        assertThatThrownBy(() -> RankingPairs.of(List.of(new int[] {0}, new int[] {1}), 3)).hasMessageContaining("unranked");
        assertThatThrownBy(() -> RankingPairs.of(List.of(new int[] {0}, new int[] {}), 1)).hasMessageContaining("empty tier");
    }

    @Test
    void equalRewardsGiveLn2() {
        assertThat(PairwiseRankingLoss.loss(new float[] {0.3f, 0.3f}, List.of(new int[] {0, 1})))
                .isCloseTo(Math.log(2), within(1e-7)); // 0.693147
    }

    @Test
    void kEquals3WithATieByHand() {
        // r = (1, 0, −1), A > B = C: pairs (A,B) Δ=1, (A,C) Δ=2.
        // −log σ(1) = ln(1 + e^−1) = 0.3132617, −log σ(2) = ln(1 + e^−2) = 0.1269280; mean = 0.2200949.
        List<int[]> pairs = RankingPairs.of(List.of(new int[] {0}, new int[] {1, 2}), 3);
        assertThat(PairwiseRankingLoss.loss(new float[] {1f, 0f, -1f}, pairs)).isCloseTo(0.2200949, within(1e-6));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray loss = PairwiseRankingLoss.loss(m.create(new float[] {1f, 0f, -1f}),
                    PairwiseRankingLoss.batchPairs(List.of(pairs), new int[] {3}));
            assertThat(loss.getFloat()).isCloseTo(0.2200949f, within(1e-6f));
        }
    }

    @Test
    void labelSmoothingByHand() {
        // r = (1, 0, −1), A > B = C, ε = 0.1: pair (A,B) 0.9·softplus(−1) + 0.1·softplus(1)
        //   = 0.9·0.3132617 + 0.1·1.3132617 = 0.4132617; pair (A,C) 0.9·0.1269280 + 0.1·2.1269280 = 0.3269280;
        // mean 0.3700949 (= eq. 1's 0.2200949 + 0.1·(Δ_AB + Δ_AC)/2, since softplus(Δ) − softplus(−Δ) = Δ).
        List<int[]> pairs = RankingPairs.of(List.of(new int[] {0}, new int[] {1, 2}), 3);
        assertThat(PairwiseRankingLoss.loss(new float[] {1f, 0f, -1f}, pairs, 0.1)).isCloseTo(0.3700949, within(1e-6));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray loss = PairwiseRankingLoss.loss(m.create(new float[] {1f, 0f, -1f}),
                    PairwiseRankingLoss.batchPairs(List.of(pairs), new int[] {3}), 0.1f);
            assertThat(loss.getFloat()).isCloseTo(0.3700949f, within(1e-6f));
        }
        assertThatThrownBy(() -> PairwiseRankingLoss.loss(new float[] {1f, 0f}, List.of(new int[] {0, 1}), 0.5))
                .hasMessageContaining("label smoothing");
    }

    @Test
    void smoothedLossIsLowestWhereTheRewardModelIsAsSureAsTheLabels() {
        // d/dΔ [(1−ε)·softplus(−Δ) + ε·softplus(Δ)] = −(1−ε)·σ(−Δ) + ε·σ(Δ) = 0 at σ(Δ) = 1 − ε: Δ* = ln 9 for ε = 0.1.
        List<int[]> pair = List.of(new int[] {0, 1});
        double best = PairwiseRankingLoss.loss(new float[] {(float) Math.log(9), 0f}, pair, 0.1);
        assertThat(best).isCloseTo(0.3250830, within(1e-6)); // the binary entropy H(0.1)
        for (float delta : new float[] {1.9f, 2.5f, 5f, 20f}) {
            assertThat(PairwiseRankingLoss.loss(new float[] {delta, 0f}, pair, 0.1)).isGreaterThan(best);
        }
        // Without smoothing the loss keeps falling as the margin grows.
        assertThat(PairwiseRankingLoss.loss(new float[] {20f, 0f}, pair))
                .isLessThan(PairwiseRankingLoss.loss(new float[] {5f, 0f}, pair));
    }

    @Test
    void kWayLossEqualsTheMeanOfTheSeparatePairwiseLosses() {
        float[] r = {0.7f, -1.2f, 2.5f, 0.1f, -0.4f, 1.9f};
        List<int[]> tiers = List.of(new int[] {2}, new int[] {5, 0}, new int[] {3}, new int[] {1, 4});
        List<int[]> pairs = RankingPairs.of(tiers, r.length);
        try (NDManager m = NDManager.newBaseManager()) {
            float kWay = PairwiseRankingLoss.loss(m.create(r), PairwiseRankingLoss.batchPairs(List.of(pairs), new int[] {6}))
                    .getFloat();
            double separate = 0;
            for (int[] p : pairs) { // each pair as its own two-answer comparison: two forwards per pair
                float[] two = {r[p[0]], r[p[1]]};
                separate += PairwiseRankingLoss.loss(m.create(two),
                        PairwiseRankingLoss.batchPairs(List.of(List.<int[]>of(new int[] {0, 1})), new int[] {2})).getFloat();
            }
            assertThat((double) kWay).isCloseTo(separate / pairs.size(), within(1e-6));
        }
    }

    @Test
    void promptsWeighTheSameWhateverTheirPairCount() {
        float[] r = {1f, 0f, -1f, 0.5f, 0.5f}; // prompt 1: K=3, prompt 2: K=2
        List<int[]> p1 = RankingPairs.of(List.of(new int[] {0}, new int[] {1, 2}), 3);
        List<int[]> p2 = RankingPairs.of(List.of(new int[] {1}, new int[] {0}), 2);
        double expected = (PairwiseRankingLoss.loss(new float[] {1f, 0f, -1f}, p1)
                + PairwiseRankingLoss.loss(new float[] {0.5f, 0.5f}, p2)) / 2;
        try (NDManager m = NDManager.newBaseManager()) {
            float batch = PairwiseRankingLoss.loss(m.create(r),
                    PairwiseRankingLoss.batchPairs(List.of(p1, p2), new int[] {3, 2})).getFloat();
            assertThat((double) batch).isCloseTo(expected, within(1e-6));
        }
    }

    @Test
    void stableForHugeMarginsAndGradientIsMinusSigmoid() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Δ = −1000: −log σ(−1000) = 1000 exactly in the stable form (the naive form overflows to inf).
            NDArray big = m.create(new float[] {-500f, 500f});
            assertThat(PairwiseRankingLoss.loss(big, PairwiseRankingLoss.batchPairs(
                    List.of(List.<int[]>of(new int[] {0, 1})), new int[] {2})).getFloat()).isEqualTo(1000f);

            NDArray r = m.create(new float[] {1f, 0f});
            r.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = PairwiseRankingLoss.loss(r, PairwiseRankingLoss.batchPairs(
                        List.of(List.<int[]>of(new int[] {0, 1})), new int[] {2}));
                gc.backward(loss);
            }
            // d/dr_w softplus(r_l − r_w) = −σ(r_l − r_w) = −σ(−1) = −0.2689414
            float[] grad = r.getGradient().toFloatArray();
            assertThat(grad[0]).isCloseTo(-0.2689414f, within(1e-6f));
            assertThat(grad[1]).isCloseTo(0.2689414f, within(1e-6f));
        }
    }

    @Test
    void allTiedPromptIsRejected() {
        List<List<int[]>> none = new ArrayList<>();
        none.add(List.of());
        assertThatThrownBy(() -> PairwiseRankingLoss.batchPairs(none, new int[] {2})).hasMessageContaining("no pair");
    }
}
