package rlhf.trainer.algo;

/**
 * The 95% Wilson score interval of a binomial proportion (Wilson 1927): for s successes in n trials, p̂ = s/n,
 * <pre>  (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n),  z = 1.96  </pre>
 * which, unlike p̂ ± z·√(p̂(1−p̂)/n), stays inside [0, 1] and is honest for a handful of trials — what a decided share
 * W/(W+L) of a few dozen decided prompts needs.
 */
public final class WilsonInterval {

    private static final double Z = 1.959963984540054;

    private WilsonInterval() {
    }

    /** {lower, upper}; NaN both when n = 0. */
    public static double[] of(long successes, long n) {
        if (successes < 0 || n < 0 || successes > n) {
            throw new IllegalArgumentException("need 0 <= successes <= n, got " + successes + " of " + n);
        }
        if (n == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double p = (double) successes / n;
        double denominator = 1 + Z * Z / n;
        double centre = (p + Z * Z / (2.0 * n)) / denominator;
        double half = Z / denominator * Math.sqrt(p * (1 - p) / n + Z * Z / (4.0 * n * n));
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }
}
