package rlhf.trainer.algo;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import rlhf.model.Scalars;

/**
 * The reward-model loss of InstructGPT (arXiv:2203.02155, eq. 1) over K-way rankings with ties:
 *
 * <pre>
 *   loss(θ) = − 1/|B| Σ_{x ∈ B} 1/|P(x)| Σ_{(w,l) ∈ P(x)} log σ(r_θ(x, y_w) − r_θ(x, y_l))
 * </pre>
 *
 * where P(x) are the pairs of the prompt's ranking ({@link RankingPairs}): all K answers of a prompt are scored in
 * one batched forward and every pair reuses those K rewards, which is why K-way batching beats pair-by-pair
 * training. Each prompt weighs the same whatever its pair count (InstructGPT's "single batch element" per
 * prompt). −log σ(Δ) is computed as softplus(−Δ) = max(−Δ, 0) + log(1 + e^{−|Δ|}), stable for any Δ.
 *
 * <p>With label smoothing ε (the "conservative" loss of Mitchell 2023, for labels that are flipped with probability
 * ε) each pair's term becomes (1 − ε)·softplus(−Δ) + ε·softplus(Δ): the cross-entropy against the target P(w ≻ l) =
 * 1 − ε instead of 1. Its minimum over Δ is at σ(Δ) = 1 − ε, so margins stop growing once the reward model is as
 * sure as the labelers are consistent, which keeps σ(r_a − r_b) calibrated when labels are noisy. ε = 0 is eq. 1.
 *
 * <p>Shape legend: N = total answers in the batch (Σ K), M = total pairs.
 */
public final class PairwiseRankingLoss {

    private PairwiseRankingLoss() {
    }

    /** The pairs of a batch as global answer indexes and per-pair weights 1/(|B|·|P(x)|). */
    public record BatchPairs(long[] winners, long[] losers, float[] weights) {
    }

    /**
     * @param pairsPerPrompt the pairs of each prompt (indexes within the prompt)
     * @param answersPerPrompt K of each prompt, to offset indexes into the flat reward vector
     */
    public static BatchPairs batchPairs(List<List<int[]>> pairsPerPrompt, int[] answersPerPrompt) {
        int total = pairsPerPrompt.stream().mapToInt(List::size).sum();
        long[] winners = new long[total];
        long[] losers = new long[total];
        float[] weights = new float[total];
        int at = 0;
        int offset = 0;
        for (int p = 0; p < pairsPerPrompt.size(); p++) {
            List<int[]> pairs = pairsPerPrompt.get(p);
            if (pairs.isEmpty()) {
                throw new IllegalArgumentException("ranking of prompt " + p + " has no pair (all answers tied)");
            }
            for (int[] pair : pairs) {
                winners[at] = offset + pair[0];
                losers[at] = offset + pair[1];
                weights[at] = 1f / (pairsPerPrompt.size() * pairs.size());
                at++;
            }
            offset += answersPerPrompt[p];
        }
        return new BatchPairs(winners, losers, weights);
    }

    /**
     * @param rewards (N) r_θ of every answer of the batch, prompt after prompt
     * @return scalar loss (differentiable through {@code rewards})
     */
    public static NDArray loss(NDArray rewards, BatchPairs pairs) {
        return loss(rewards, pairs, 0f);
    }

    /**
     * @param rewards (N) r_θ of every answer of the batch, prompt after prompt
     * @param labelSmoothing ε in [0, 0.5): the probability that a label is flipped
     * @return scalar loss (differentiable through {@code rewards})
     */
    public static NDArray loss(NDArray rewards, BatchPairs pairs, float labelSmoothing) {
        checkSmoothing(labelSmoothing);
        NDManager m = rewards.getManager();
        NDArray rw = rewards.get(m.create(pairs.winners())); // (M)
        NDArray rl = rewards.get(m.create(pairs.losers())); // (M)
        NDArray delta = rw.sub(rl); // (M)
        NDArray perPair = softplus(delta.neg()); // −log σ(r_w − r_l), (M)
        if (labelSmoothing > 0) {
            perPair = Scalars.mul(perPair, 1f - labelSmoothing).add(Scalars.mul(softplus(delta), labelSmoothing));
        }
        return perPair.mul(m.create(pairs.weights())).sum();
    }

    /** softplus(x) = log(1 + e^x) = max(x, 0) + log(1 + e^{−|x|}): no overflow for large |x|. */
    static NDArray softplus(NDArray x) {
        return Scalars.maximum(x, 0f).add(x.abs().neg().exp().add(1f).log());
    }

    /** The same loss in plain Java for one prompt (reference for tests and tools). */
    public static double loss(float[] rewards, List<int[]> pairs) {
        return loss(rewards, pairs, 0);
    }

    /** The label-smoothed loss in plain Java for one prompt. */
    public static double loss(float[] rewards, List<int[]> pairs, double labelSmoothing) {
        checkSmoothing(labelSmoothing);
        double sum = 0;
        for (int[] p : pairs) {
            double delta = rewards[p[0]] - rewards[p[1]];
            sum += (1 - labelSmoothing) * softplus(-delta) + labelSmoothing * softplus(delta);
        }
        return sum / pairs.size();
    }

    private static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    private static void checkSmoothing(double labelSmoothing) {
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 0.5), got " + labelSmoothing);
        }
    }
}
