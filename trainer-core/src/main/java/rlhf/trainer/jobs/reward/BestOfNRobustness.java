package rlhf.trainer.jobs.reward;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import rlhf.model.GptModel;
import rlhf.model.generate.Generation;
import rlhf.model.generate.GenerationEngine;
import rlhf.model.generate.SamplingParams;
import rlhf.model.score.Scorer;
import rlhf.model.score.SequenceRewards;
import rlhf.model.tokenizer.TextTokenizer;
import rlhf.trainer.jobs.JobMonitor;
import rlhf.trainer.jobs.JobPreconditionException;
import rlhf.trainer.jobs.training.ContextFit;

/**
 * The robustness check of hh-rlhf (arXiv:2204.05862, §4.1, Fig. 9): a train-PM and a test-PM are trained on disjoint
 * halves of the training comparisons; for held-out prompts the SFT model samples 16 answers, and for n = 1, 2, 4, 8,
 * 16 the train-PM picks the best of the first n. The train-PM's score of its pick rises with n by construction; if
 * the test-PM's score of the same pick stops rising, best-of-n is exploiting the train-PM rather than finding better
 * answers — the over-optimisation PPO would exploit too.
 */
public final class BestOfNRobustness {

    /** The n of each best-of-n row. */
    public static final int[] N = {1, 2, 4, 8, 16};
    private static final int SAMPLES = 16;
    private static final int SCORE_BATCH = 64;

    /** Mean scores of the train-PM's best-of-n pick under both preference models. */
    record Row(int n, double trainPmScore, double testPmScore) {
    }

    private final RewardModelTrainer trainer;
    private final RobustnessParameters p;

    BestOfNRobustness(RewardModelTrainer trainer, RobustnessParameters parameters) {
        this.trainer = trainer;
        this.p = parameters;
    }

    /**
     * @param sft the SFT model: initialises both PMs (as copies) and samples the answers; left unchanged
     * @param heldOutPrompts prompt ids the PMs never trained on
     */
    List<Row> run(GptModel sft, TextTokenizer tokenizer, List<EncodedComparison> train, List<int[]> heldOutPrompts,
            JobMonitor monitor) {
        List<EncodedComparison> shuffled = new ArrayList<>(train);
        Collections.shuffle(shuffled, new Random(p.seed()));
        int half = shuffled.size() / 2;
        if (half < 1 || heldOutPrompts.isEmpty()) {
            throw new JobPreconditionException("robustness check needs >= 2 training comparisons and held-out prompts");
        }
        List<Scorer.Example> samples = sample(sft, tokenizer, heldOutPrompts);
        float[] trainPmScores = trainAndScore(sft, shuffled.subList(0, half), samples, monitor, "rm train-PM");
        float[] testPmScores = trainAndScore(sft, shuffled.subList(half, shuffled.size()), samples, monitor, "rm test-PM");
        return rows(trainPmScores, testPmScores, heldOutPrompts.size());
    }

    private List<Scorer.Example> sample(GptModel sft, TextTokenizer tokenizer, List<int[]> prompts) {
        int context = sft.config().contextLength();
        int maxNew = Math.min(p.maxNewTokens(), context - 1);
        List<int[]> fitted = prompts.stream().map(prompt -> ContextFit.fit(prompt, new int[maxNew], context).prompt())
                .toList();
        GenerationEngine engine = new GenerationEngine(sft, tokenizer.endOfTextId(), 64);
        SamplingParams sampling = SamplingParams.sampling(maxNew, p.temperature(), p.seed())
                .withSamplesPerPrompt(SAMPLES);
        List<Scorer.Example> examples = new ArrayList<>();
        for (Generation g : engine.generate(fitted, sampling)) {
            int[] response = g.tokens().length > 0 ? g.tokens() : new int[] {tokenizer.endOfTextId()};
            examples.add(new Scorer.Example(fitted.get(g.promptIndex()), response));
        }
        return examples;
    }

    private float[] trainAndScore(GptModel sft, List<EncodedComparison> half, List<Scorer.Example> samples,
            JobMonitor monitor, String phase) {
        try (GptModel pm = sft.copy()) {
            monitor.log(String.format(Locale.ROOT, "%s: %d comparisons", phase, half.size()));
            trainer.train(pm, half, monitor, phase);
            return SequenceRewards.score(pm, samples, SCORE_BATCH);
        }
    }

    private static List<Row> rows(float[] trainPm, float[] testPm, int prompts) {
        List<Row> rows = new ArrayList<>();
        for (int n : N) {
            double trainSum = 0;
            double testSum = 0;
            for (int prompt = 0; prompt < prompts; prompt++) {
                int best = prompt * SAMPLES;
                for (int s = 1; s < n; s++) {
                    int i = prompt * SAMPLES + s;
                    if (trainPm[i] > trainPm[best]) {
                        best = i;
                    }
                }
                trainSum += trainPm[best];
                testSum += testPm[best];
            }
            rows.add(new Row(n, trainSum / prompts, testSum / prompts));
        }
        return rows;
    }

    /** The rows as manifest metrics, {@code robustness.best_of_N.train_pm} / {@code .test_pm}. */
    static Map<String, Double> metrics(List<Row> rows) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (Row r : rows) {
            metrics.put("robustness.best_of_" + r.n() + ".train_pm", r.trainPmScore());
            metrics.put("robustness.best_of_" + r.n() + ".test_pm", r.testPmScore());
        }
        return metrics;
    }

    /** The rows as report lines. */
    static List<String> lines(List<Row> rows, int prompts) {
        List<String> lines = new ArrayList<>();
        lines.add("robustness (hh-rlhf): best-of-n chosen by the train-PM on " + prompts
                + " held-out prompts, mean score");
        lines.add("   n | train-PM | test-PM");
        for (Row r : rows) {
            lines.add(String.format(Locale.ROOT, "  %2d | %8.4f | %7.4f", r.n(), r.trainPmScore(), r.testPmScore()));
        }
        return lines;
    }
}
