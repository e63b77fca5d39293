package rlhf.trainer.algo;

import java.util.ArrayList;
import java.util.List;

/**
 * How well a reward model's preference probabilities P(a ≻ b) = σ(r_a − r_b) (Bradley–Terry, the model behind
 * InstructGPT eq. 1) match how often labelers actually preferred a: a reliability table over equal-width bins of
 * the predicted probability and the expected calibration error
 *
 * <pre>  ECE = Σ_bins (n_bin / N) · |observed_bin − predicted_bin|  </pre>
 *
 * Pairs must be oriented independently of the label (e.g. a = the lower answer index), otherwise every observed
 * frequency is 1. hh-rlhf (arXiv:2204.05862, §3) reports its preference models this way.
 */
public final class PreferenceCalibration {

    /** One bin: its probability range, how many pairs fell in it, their mean prediction and observed frequency. */
    public record Bin(double lower, double upper, int count, double meanPredicted, double observed) {
    }

    /** The reliability table and its summary numbers. */
    public record Report(List<Bin> bins, double expectedCalibrationError, double pairwiseAccuracy, int pairs) {
    }

    private PreferenceCalibration() {
    }

    /**
     * @param predicted P(a ≻ b) per pair, in [0, 1]
     * @param aPreferred 1 when the labeler preferred a, else 0
     * @param bins number of equal-width bins over [0, 1]
     */
    public static Report evaluate(double[] predicted, int[] aPreferred, int bins) {
        if (predicted.length != aPreferred.length || predicted.length == 0 || bins < 1) {
            throw new IllegalArgumentException("need one outcome per prediction, at least one pair and one bin");
        }
        int[] count = new int[bins];
        double[] sumPredicted = new double[bins];
        double[] sumObserved = new double[bins];
        double correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            double p = predicted[i];
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("predicted[" + i + "] not a probability: " + p);
            }
            int bin = Math.min(bins - 1, (int) (p * bins));
            count[bin]++;
            sumPredicted[bin] += p;
            sumObserved[bin] += aPreferred[i];
            correct += p == 0.5 ? 0.5 : ((p > 0.5) == (aPreferred[i] == 1) ? 1 : 0);
        }
        List<Bin> table = new ArrayList<>();
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            double meanP = count[b] == 0 ? Double.NaN : sumPredicted[b] / count[b];
            double observed = count[b] == 0 ? Double.NaN : sumObserved[b] / count[b];
            table.add(new Bin((double) b / bins, (double) (b + 1) / bins, count[b], meanP, observed));
            if (count[b] > 0) {
                ece += (double) count[b] / predicted.length * Math.abs(observed - meanP);
            }
        }
        return new Report(table, ece, correct / predicted.length, predicted.length);
    }

    /**
     * Temperature scaling (Guo et al. 2017) for a Bradley–Terry reward model: the factor s > 0 that makes
     * P(w ≻ l) = σ(s·(r_w − r_l)) fit the labelers best, i.e. minimises the mean negative log-likelihood
     * Σ softplus(−s·d) / n over the labeled pairs' reward margins d = r_w − r_l. The loss is convex in s, so Newton's
     * method from s = 1 (with step halving) finds it; s is kept in [{@code MIN_SCALE}, {@code MAX_SCALE}]. Scaling
     * every reward by s leaves each comparison's order, and so the accuracy, unchanged; only the probabilities move.
     *
     * @param margins r_winner − r_loser for each labeled pair (one per pair; ties carry no pair)
     */
    public static double fitScale(double[] margins) {
        if (margins.length == 0) {
            throw new IllegalArgumentException("need at least one labeled pair");
        }
        double s = 1;
        double loss = scaledLoss(margins, s);
        for (int iteration = 0; iteration < 100; iteration++) {
            double gradient = 0;
            double curvature = 0;
            for (double d : margins) {
                double pLoser = sigmoid(-s * d); // d/ds softplus(−s·d) = −d·σ(−s·d)
                gradient -= d * pLoser;
                curvature += d * d * pLoser * (1 - pLoser);
            }
            gradient /= margins.length;
            curvature /= margins.length;
            if (Math.abs(gradient) < 1e-12 || curvature <= 0) {
                break;
            }
            double step = gradient / curvature;
            double next = clampScale(s - step);
            double nextLoss = scaledLoss(margins, next);
            for (int halving = 0; halving < 40 && nextLoss > loss; halving++) {
                step /= 2;
                next = clampScale(s - step);
                nextLoss = scaledLoss(margins, next);
            }
            if (nextLoss > loss || Math.abs(next - s) < 1e-12) {
                break;
            }
            s = next;
            loss = nextLoss;
        }
        return s;
    }

    /**
     * A calibration of unbounded rewards u: r = (c/2)·tanh(2·s·(u − μ)/c), or r = s·(u − μ) when c = 0 (plain
     * temperature scaling; μ is then irrelevant to every margin). See {@link #fitBounded}.
     *
     * @param scale s &gt; 0
     * @param center μ, the reward that maps to 0
     * @param bound c, the largest possible margin (0 = unbounded)
     */
    public record Squash(double scale, double center, double bound) {

        /** The calibrated reward of an unbounded reward u. */
        public double apply(double u) {
            double x = scale * (u - center);
            return bound > 0 ? bound / 2 * Math.tanh(2 * x / bound) : x;
        }

        /** The largest P(a ≻ b) the calibrated rewards can predict: σ(c), or 1 when unbounded. */
        public double maxProbability() {
            return bound > 0 ? sigmoid(bound) : 1;
        }
    }

    /** The smallest and largest bound {@link #fitBounded} tries. */
    public static final double MIN_BOUND = 0.5;
    public static final double MAX_BOUND = 50;

    /**
     * Temperature scaling with a bound, for labels that are flipped at some rate ε: fits s, μ and c of {@link Squash}
     * to minimise the mean negative log-likelihood Σ softplus(−(r_w − r_l)) / n of the labeled pairs. Plain
     * temperature scaling can only stretch or shrink every margin alike; when labelers disagree with themselves a
     * fraction ε of the time, the observed frequency of even the easiest pairs stops at 1 − ε, so a single scale is
     * overconfident on easy pairs and underconfident on hard ones at once. The bound lets the largest margins saturate
     * at c (≈ ln((1 − ε)/ε)) while small ones still stretch. The fit starts from {@link #fitScale}'s s and runs
     * coordinate descent with golden-section searches over log s, μ and log c; if no bound beats plain temperature
     * scaling, the plain one (c = 0) is returned. Each answer keeps its place in every ranking: the map is increasing.
     *
     * @param winners u of each pair's preferred answer
     * @param losers u of each pair's other answer, in the same order
     */
    public static Squash fitBounded(double[] winners, double[] losers) {
        if (winners.length != losers.length || winners.length == 0) {
            throw new IllegalArgumentException("need one loser per winner and at least one labeled pair");
        }
        double[] margins = new double[winners.length];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (int i = 0; i < winners.length; i++) {
            margins[i] = winners[i] - losers[i];
            lo = Math.min(lo, Math.min(winners[i], losers[i]));
            hi = Math.max(hi, Math.max(winners[i], losers[i]));
            sum += winners[i] + losers[i];
        }
        Squash plain = new Squash(fitScale(margins), 0, 0);
        double[] x = {Math.log(plain.scale()), sum / (2.0 * winners.length), Math.log(4)};
        double[][] range = {{Math.log(MIN_SCALE), Math.log(MAX_SCALE)}, {lo, hi},
            {Math.log(MIN_BOUND), Math.log(MAX_BOUND)}};
        for (int round = 0; round < 12; round++) {
            for (int k = 0; k < 3; k++) {
                final int coordinate = k;
                x[k] = goldenSection(v -> {
                    double[] y = x.clone();
                    y[coordinate] = v;
                    return squashedLoss(winners, losers, squash(y));
                }, range[k][0], range[k][1]);
            }
        }
        Squash bounded = squash(x);
        return squashedLoss(winners, losers, bounded) < squashedLoss(winners, losers, plain) ? bounded : plain;
    }

    private static Squash squash(double[] x) {
        return new Squash(Math.exp(x[0]), x[1], Math.exp(x[2]));
    }

    /** Mean of softplus(−(r_w − r_l)) with r = {@code squash} applied to u. */
    public static double squashedLoss(double[] winners, double[] losers, Squash squash) {
        double sum = 0;
        for (int i = 0; i < winners.length; i++) {
            double x = -(squash.apply(winners[i]) - squash.apply(losers[i]));
            sum += Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
        }
        return sum / winners.length;
    }

    /** The minimum of a unimodal f on [a, b] to within 1e-6 of the interval. */
    private static double goldenSection(java.util.function.DoubleUnaryOperator f, double a, double b) {
        double ratio = (Math.sqrt(5) - 1) / 2;
        double c = b - ratio * (b - a);
        double d = a + ratio * (b - a);
        double fc = f.applyAsDouble(c);
        double fd = f.applyAsDouble(d);
        double tolerance = 1e-6 * (b - a);
        while (b - a > tolerance) {
            if (fc < fd) {
                b = d;
                d = c;
                fd = fc;
                c = b - ratio * (b - a);
                fc = f.applyAsDouble(c);
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + ratio * (b - a);
                fd = f.applyAsDouble(d);
            }
        }
        return (a + b) / 2;
    }

    /** The smallest and largest scale {@link #fitScale} returns. */
    public static final double MIN_SCALE = 0.01;
    public static final double MAX_SCALE = 20;

    /** Mean of softplus(−s·d): the pairs' negative log-likelihood under the scale s. */
    public static double scaledLoss(double[] margins, double s) {
        double sum = 0;
        for (double d : margins) {
            double x = -s * d;
            sum += Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
        }
        return sum / margins.length;
    }

    private static double clampScale(double s) {
        return Math.max(MIN_SCALE, Math.min(MAX_SCALE, s));
    }

    private static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    /** σ(r_a − r_b). */
    public static double preferenceProbability(double rewardA, double rewardB) {
        return 1 / (1 + Math.exp(-(rewardA - rewardB)));
    }
}
