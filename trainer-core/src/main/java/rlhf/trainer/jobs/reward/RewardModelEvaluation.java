package rlhf.trainer.jobs.reward;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import rlhf.model.GptModel;
import rlhf.model.score.Scorer;
import rlhf.model.score.SequenceRewards;
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
public final class RewardModelEvaluation {

    private static final int SCORE_BATCH = 64;

    /** Pairwise accuracy of one category's pairs; the rubric columns are NaN when the data carries no Likert. */
    record CategoryResult(String category, int pairs, double accuracy, double oracleAccuracy,
            double accuracyVsRubric) {
    }

    /** The evaluation of one split. */
    record Result(PreferenceCalibration.Report calibration, double loss, double oracleAccuracy,
            double accuracyVsRubric, int comparisons, List<CategoryResult> byCategory) {

        /** The reliability table and summary as report lines. */
        List<String> lines(String split) {
            List<String> lines = new ArrayList<>();
            lines.add(String.format(Locale.ROOT, "rm %s: %d comparisons, %d pairs, accuracy %.4f, ECE %.4f, loss %.4f%s",
                    split, comparisons, calibration.pairs(), calibration.pairwiseAccuracy(),
                    calibration.expectedCalibrationError(), loss,
                    Double.isNaN(oracleAccuracy) ? "" : String.format(Locale.ROOT, ", rubric-vs-labeler accuracy %.4f"
                            + " (the ceiling), RM accuracy against the rubric %.4f", oracleAccuracy, accuracyVsRubric)));
            for (CategoryResult c : byCategory) {
                lines.add(String.format(Locale.ROOT, "  %-16s %5d pairs, accuracy %.4f%s", c.category(), c.pairs(),
                        c.accuracy(), Double.isNaN(c.oracleAccuracy()) ? "" : String.format(Locale.ROOT,
                                ", ceiling %.4f, against the rubric %.4f", c.oracleAccuracy(), c.accuracyVsRubric())));
            }
            lines.add("  P(a>b) bin  | pairs | mean predicted | observed");
            for (PreferenceCalibration.Bin b : calibration.bins()) {
                lines.add(String.format(Locale.ROOT, "  %.1f .. %.1f  | %5d | %14s | %s", b.lower(), b.upper(), b.count(),
                        b.count() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", b.meanPredicted()),
                        b.count() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", b.observed())));
            }
            return lines;
        }
    }

    /** Running sums of one category: pairs, RM agreeing with the labeler, rubric with labeler, RM with rubric. */
    private static final class Tally {
        int pairs;
        double correct;
        double oracle;
        double vsRubric;

        CategoryResult result(String category, boolean withRubric) {
            return new CategoryResult(category, pairs, correct / pairs, withRubric ? oracle / pairs : Double.NaN,
                    withRubric ? vsRubric / pairs : Double.NaN);
        }
    }

    private RewardModelEvaluation() {
    }

    /** Pairwise accuracy and expected calibration error of a reward model on some comparisons, and their pairs. */
    public record Quality(double accuracy, double ece, long pairs) {
    }

    /**
     * How well {@code model} orders {@code comparisons} (e.g. the newest week's, where the policy now lives): NaN
     * accuracy and ECE when they hold no pair.
     */
    public static Quality quality(GptModel model, rlhf.model.tokenizer.TextTokenizer tokenizer,
            List<rlhf.trainer.data.RankedComparison> comparisons, int bins) {
        List<EncodedComparison> encoded = comparisons.stream()
                .map(c -> EncodedComparison.encode(c, tokenizer, model.config().contextLength()))
                .filter(c -> !c.pairs().isEmpty()).toList();
        if (encoded.isEmpty()) {
            return new Quality(Double.NaN, Double.NaN, 0);
        }
        Result r = evaluate(model, encoded, bins);
        return new Quality(r.calibration().pairwiseAccuracy(), r.calibration().expectedCalibrationError(),
                r.calibration().pairs());
    }

    static Result evaluate(GptModel model, List<EncodedComparison> comparisons, int bins) {
        List<Scorer.Example> answers = new ArrayList<>();
        comparisons.forEach(c -> answers.addAll(c.answers()));
        return evaluate(comparisons, SequenceRewards.score(model, answers, SCORE_BATCH), bins);
    }

    /** The evaluation of {@code comparisons} given every answer's reward, in order. */
    static Result evaluate(List<EncodedComparison> comparisons, float[] rewards, int bins) {
        List<Double> predicted = new ArrayList<>();
        List<Integer> outcomes = new ArrayList<>();
        double lossSum = 0;
        boolean oracle = comparisons.stream().allMatch(c -> !c.source().likert().isEmpty());
        Tally all = new Tally();
        Map<String, Tally> byCategory = new TreeMap<>();
        int offset = 0;
        for (EncodedComparison c : comparisons) {
            int k = c.answers().size();
            float[] r = Arrays.copyOfRange(rewards, offset, offset + k);
            offset += k;
            lossSum += PairwiseRankingLoss.loss(r, c.pairs());
            String category = c.source().category().isEmpty() ? "(none)" : c.source().category();
            orientedPairs(c, r, predicted, outcomes, all, byCategory.computeIfAbsent(category, x -> new Tally()));
        }
        PreferenceCalibration.Report report = PreferenceCalibration.evaluate(
                predicted.stream().mapToDouble(Double::doubleValue).toArray(),
                outcomes.stream().mapToInt(Integer::intValue).toArray(), bins);
        List<CategoryResult> categories = new ArrayList<>();
        if (byCategory.size() > 1 || !byCategory.containsKey("(none)")) {
            byCategory.forEach((name, t) -> {
                if (t.pairs > 0) {
                    categories.add(t.result(name, oracle));
                }
            });
        }
        CategoryResult overall = all.result("", oracle);
        return new Result(report, lossSum / comparisons.size(), overall.oracleAccuracy(), overall.accuracyVsRubric(),
                comparisons.size(), categories);
    }

    /**
     * Adds every cross-tier pair (a = lower index) and tallies, overall and for the comparison's category, the reward
     * model's agreement with the labeler, the rubric's agreement with the labeler and the reward model's agreement with
     * the rubric (½ for a tie in the rubric or the rewards).
     */
    private static void orientedPairs(EncodedComparison c, float[] r, List<Double> predicted, List<Integer> outcomes,
            Tally all, Tally category) {
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
                int rm = Float.compare(r[a], r[b]);
                double correct = rm == 0 ? 0.5 : (rm > 0) == aPreferred ? 1 : 0;
                double oracle = 0;
                double vsRubric = 0;
                if (!likert.isEmpty()) {
                    int diff = Integer.compare(likert.get(a), likert.get(b));
                    oracle = diff == 0 ? 0.5 : ((diff > 0) == aPreferred ? 1 : 0);
                    vsRubric = diff == 0 || rm == 0 ? 0.5 : (diff > 0) == (rm > 0) ? 1 : 0;
                }
                for (Tally t : List.of(all, category)) {
                    t.pairs++;
                    t.correct += correct;
                    t.oracle += oracle;
                    t.vsRubric += vsRubric;
                }
            }
        }
    }
}
