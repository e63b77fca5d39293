package rlhf.trainer.algo;

/**
 * Generalized advantage estimation (Schulman et al., arXiv:1506.02438, eq. 16) over one response:
 *
 * <pre>
 *   δ_t = r_t + γ·V(s_{t+1}) − V(s_t)            (V after the last token = 0: the episode ends)
 *   A_t = Σ_{l ≥ 0} (γλ)^l · δ_{t+l}  = δ_t + γλ·A_{t+1}
 *   R_t = A_t + V(s_t)                            (the value target, "returns")
 * </pre>
 *
 * With γ = λ = 1, A_t is the return Σ_{k ≥ t} r_k minus V(s_t). Shape legend: T response tokens.
 */
public final class Gae {

    /** (T) advantages and returns of one response. */
    public record Result(float[] advantages, float[] returns) {
    }

    private Gae() {
    }

    /**
     * @param rewards (T) per-token rewards r_t (KL penalty on every token, the RM score added on the last)
     * @param values  (T) V(s_t) from the value head at generation time
     */
    public static Result compute(float[] rewards, float[] values, float gamma, float lambda) {
        if (rewards.length != values.length) {
            throw new IllegalArgumentException("rewards and values must have the same length");
        }
        if (gamma < 0 || gamma > 1 || lambda < 0 || lambda > 1) {
            throw new IllegalArgumentException("gamma and lambda must be within [0, 1]");
        }
        int t = rewards.length;
        float[] advantages = new float[t];
        float[] returns = new float[t];
        float next = 0; // A_{t+1}
        for (int i = t - 1; i >= 0; i--) {
            float nextValue = i + 1 < t ? values[i + 1] : 0f;
            float delta = rewards[i] + gamma * nextValue - values[i];
            next = delta + gamma * lambda * next;
            advantages[i] = next;
            returns[i] = next + values[i];
        }
        return new Result(advantages, returns);
    }
}
