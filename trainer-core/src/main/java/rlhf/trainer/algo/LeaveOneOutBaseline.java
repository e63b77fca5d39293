package rlhf.trainer.algo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The leave-one-out baseline of REINFORCE with n samples per prompt (Kool et al. 2019, "Buy 4 REINFORCE samples, get
 * a baseline for free"; RLOO in Ahmadian et al., arXiv:2402.14740): each sample's return is compared with the mean
 * return of the other samples of the same prompt, so prompt difficulty cancels instead of entering the gradient as
 * noise, and no value model is needed.
 *
 * <pre>
 *   A_i = R_i − (1 / (n − 1)) · Σ_{j ≠ i} R_j  =  n / (n − 1) · (R_i − mean_j R_j)
 * </pre>
 *
 * A sample alone in its group has no baseline: its advantage is 0 (it is counted, not learned from).
 */
public final class LeaveOneOutBaseline {

    private LeaveOneOutBaseline() {
    }

    /**
     * @param returns R_i, one per sample
     * @param groups  the group (prompt) of each sample; equal keys share a baseline
     * @return A_i, one per sample
     */
    public static double[] advantages(double[] returns, List<?> groups) {
        if (returns.length != groups.size()) {
            throw new IllegalArgumentException(returns.length + " returns for " + groups.size() + " group keys");
        }
        Map<Object, double[]> sums = new HashMap<>(); // {sum, count}
        for (int i = 0; i < returns.length; i++) {
            double[] s = sums.computeIfAbsent(groups.get(i), k -> new double[2]);
            s[0] += returns[i];
            s[1]++;
        }
        double[] advantages = new double[returns.length];
        for (int i = 0; i < returns.length; i++) {
            double[] s = sums.get(groups.get(i));
            advantages[i] = s[1] < 2 ? 0 : returns[i] - (s[0] - returns[i]) / (s[1] - 1);
        }
        return advantages;
    }

    /** Samples whose group holds only themselves (advantage 0). */
    public static int alone(List<?> groups) {
        Map<Object, Integer> counts = new HashMap<>();
        groups.forEach(g -> counts.merge(g, 1, Integer::sum));
        return (int) groups.stream().filter(g -> counts.get(g) == 1).count();
    }
}
