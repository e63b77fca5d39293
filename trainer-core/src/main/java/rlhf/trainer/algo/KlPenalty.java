package rlhf.trainer.algo;

/**
 * The per-token KL penalty of InstructGPT's RL reward (arXiv:2203.02155, eq. 2): the policy π_RL is kept near the
 * frozen SFT policy π_SFT (not the previous policy) by rewarding −β · KL on every generated token. KL(π_RL ‖
 * π_SFT) is estimated from the sampled tokens (Schulman, "Approximating KL divergence", 2020):
 *
 * <pre>
 *   k1_t = log π_RL(a_t|s_t) − log π_SFT(a_t|s_t)           unbiased, can be negative per token
 *   k3_t = (r_t − 1) − log r_t,  r_t = π_SFT / π_RL          unbiased, always ≥ 0, lower variance
 *   shaped reward_t = −β · k1_t  (+ r_θ(x, y) on the last token)
 * </pre>
 *
 * The penalty uses k1 (its sum over a response is the sequence's log-ratio, whose expectation is the sequence
 * KL); k3 is reported. Shape legend: T response tokens.
 */
public final class KlPenalty {

    private KlPenalty() {
    }

    /** (T) k1_t = logProbs − refLogProbs. */
    public static float[] k1(float[] logProbs, float[] refLogProbs) {
        check(logProbs, refLogProbs);
        float[] k = new float[logProbs.length];
        for (int t = 0; t < k.length; t++) {
            k[t] = logProbs[t] - refLogProbs[t];
        }
        return k;
    }

    /** (T) k3_t = (r − 1) − log r with log r = refLogProbs − logProbs. */
    public static float[] k3(float[] logProbs, float[] refLogProbs) {
        check(logProbs, refLogProbs);
        float[] k = new float[logProbs.length];
        for (int t = 0; t < k.length; t++) {
            double logR = refLogProbs[t] - logProbs[t];
            k[t] = (float) (Math.expm1(logR) - logR);
        }
        return k;
    }

    /**
     * (T) per-token rewards: −klCoef · k1_t on every token, plus {@code score} (the reward model's r_θ(x, y)) on the
     * last one.
     */
    public static float[] shapedRewards(float[] logProbs, float[] refLogProbs, float score, float klCoef) {
        float[] k1 = k1(logProbs, refLogProbs);
        float[] rewards = new float[k1.length];
        for (int t = 0; t < k1.length; t++) {
            rewards[t] = -klCoef * k1[t];
        }
        rewards[rewards.length - 1] += score;
        return rewards;
    }

    /** Σ_t of an estimate: the sequence-level KL estimate of one response. */
    public static double sum(float[] perToken) {
        double s = 0;
        for (float v : perToken) {
            s += v;
        }
        return s;
    }

    private static void check(float[] a, float[] b) {
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("logProbs and refLogProbs must be non-empty and of equal length");
        }
    }
}
