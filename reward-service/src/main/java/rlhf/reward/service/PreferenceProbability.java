package rlhf.reward.service;

/**
 * Bradley–Terry preference of a reward model (InstructGPT arXiv:2203.02155, eq. 1):
 * P(a ≻ b | x) = σ(r_θ(x, a) − r_θ(x, b)), with σ the logistic function, evaluated in a form that never
 * overflows: for d ≥ 0, 1 / (1 + e^−d); for d &lt; 0, e^d / (1 + e^d).
 */
public final class PreferenceProbability {

    private PreferenceProbability() {
    }

    /** P(a ≻ b) from the two rewards. */
    public static double of(double rewardA, double rewardB) {
        double d = rewardA - rewardB;
        if (d >= 0) {
            return 1.0 / (1.0 + Math.exp(-d));
        }
        double e = Math.exp(d);
        return e / (1.0 + e);
    }
}
