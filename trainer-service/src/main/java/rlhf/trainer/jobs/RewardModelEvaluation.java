package rlhf.trainer.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import rlhf.model.GptModel;
import rlhf.model.score.Scorer;
import rlhf.trainer.algo.PairwiseRankingLoss;
import rlhf.trainer.algo.PreferenceCalibration;

/**
 * Held-out evaluation of a reward model on ranked comparisons: pairwise accuracy, calibration (ECE and the
 * reliability table of P(a ≻ b) = σ(r_a − r_b), pairs oriented by answer index so labels do not leak into the
 * orientation), the mean ranking loss, and — when the data carries the rubric's Likert scores — the oracle accuracy:
 * how often the rubric itself agrees with the (noisy) labeler, the ceiling any reward model can reach on these labels —
 * and the reward model's accuracy against the rubric's own (noise-free) order of the same pairs, which is what the
 * labelers' noise hides and what the policy will be optimised for.
 */
final class RewardModelEvaluation {

    private static final int SCORE_BATCH = 64;

    /** The evaluation of one split. */
    record Result(PreferenceCalibration.Report calibration, double loss, double oracleAccuracy,
            double accuracyVsRubric, int comparisons) {

        /** The reliability table and summary as report lines. */
        List<String> lines(String split) {
            List<String> lines = new ArrayList<>();
            lines.add(String.format(Locale.ROOT, "rm %s: %d comparisons, %d pairs, accuracy %.4f, ECE %.4f, loss %.4f%s",
                    split, comparisons, calibration.pairs(), calibration.pairwiseAccuracy(),
                    calibration.expectedCalibrationError(), loss,
                    Double.isNaN(oracleAccuracy) ? "" : String.format(Locale.ROOT, ", rubric-vs-labeler accuracy %.4f"
                            + " (the ceiling), RM accuracy against the rubric %.4f", oracleAccuracy, accuracyVsRubric)));
            lines.add("  P(a>b) bin  | pairs | mean predicted | observed");
            for (PreferenceCalibration.Bin b : calibration.bins()) {
                lines.add(String.format(Locale.ROOT, "  %.1f .. %.1f  | %5d | %14s | %s", b.lower(), b.upper(), b.count(),
                        b.count() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", b.meanPredicted()),
                        b.count() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", b.observed())));
            }
            return lines;
        }
    }

    private RewardModelEvaluation() {
    }

    static Result evaluate(GptModel model, List<EncodedComparison> comparisons, int bins) {
        List<Scorer.Example> answers = new ArrayList<>();
        comparisons.forEach(c -> answers.addAll(c.answers()));
        float[] rewards = RewardScoring.score(model, answers, SCORE_BATCH);
        List<Double> predicted = new ArrayList<>();
        List<Integer> outcomes = new ArrayList<>();
        double lossSum = 0;
        double[] correct = new double[2]; // rubric vs labeler, RM vs rubric
        boolean oracle = comparisons.stream().allMatch(c -> !c.source().likert().isEmpty());
        int offset = 0;
        for (EncodedComparison c : comparisons) {
            int k = c.answers().size();
            float[] r = java.util.Arrays.copyOfRange(rewards, offset, offset + k);
            offset += k;
            lossSum += PairwiseRankingLoss.loss(r, c.pairs());
            orientedPairs(c, r, predicted, outcomes, correct);
        }
        int pairs = predicted.size();
        PreferenceCalibration.Report report = PreferenceCalibration.evaluate(
                predicted.stream().mapToDouble(Double::doubleValue).toArray(),
                outcomes.stream().mapToInt(Integer::intValue).toArray(), bins);
        return new Result(report, lossSum / comparisons.size(), oracle ? correct[0] / pairs : Double.NaN,
                oracle ? correct[1] / pairs : Double.NaN, comparisons.size());
    }

    /**
     * Adds every cross-tier pair (a = lower index); adds to {@code correct[0]} the rubric's agreement with the labeler
     * on them and to {@code correct[1]} the reward model's agreement with the rubric (½ for a tie).
     */
    private static void orientedPairs(EncodedComparison c, float[] r, List<Double> predicted, List<Integer> outcomes,
            double[] correct) {
        int[] tierOf = c.source().tierOfAnswer();
        List<Integer> likert = c.source().likert();
        for (int a = 0; a < r.length; a++) {
            for (int b = a + 1; b < r.length; b++) {
                if (tierOf[a] == tierOf[b]) {
                    continue;
                }
                boolean aPreferred = tierOf[a] < tierOf[b];
                predicted.add(PreferenceCalibration.preferenceProbability(r[a], r[b]));
                outcomes.add(aPreferred ? 1 : 0);
                if (!likert.isEmpty()) {
                    int diff = Integer.compare(likert.get(a), likert.get(b));
                    correct[0] += diff == 0 ? 0.5 : ((diff > 0) == aPreferred ? 1 : 0);
                    int rm = Float.compare(r[a], r[b]);
                    correct[1] += diff == 0 || rm == 0 ? 0.5 : (diff > 0) == (rm > 0) ? 1 : 0;
                }
            }
        }
    }
}
