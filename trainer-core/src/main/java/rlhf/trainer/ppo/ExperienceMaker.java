package rlhf.trainer.ppo;

import java.util.ArrayList;
import java.util.List;

import rlhf.model.score.Scorer;
import rlhf.trainer.algo.Gae;
import rlhf.trainer.algo.KlPenalty;
import rlhf.trainer.algo.RunningMoments;

/**
 * Turns rollouts into an {@link Experience}: recomputes log-probs under the current policy, the frozen SFT
 * reference's log-probs (InstructGPT's KL is to SFT, not to the previous policy) and the value model's values, all
 * without gradients; shapes per-token rewards (−klCoef · k1 on every token, the reward-model score on the last, see
 * {@link KlPenalty}); runs {@link Gae}; whitens the advantages over the batch.
 *
 * <p>The trainer's own log-probs are the PPO ratio's denominator ({@code oldLogProbs}), not the generator's: the two
 * differ by numerics (batching, padding, KV cache) and, for rollouts of an older version within the staleness bound, by
 * the version; the difference is measured and reported as drift.
 */
public final class ExperienceMaker {

    private final Scorer policy;
    private final Scorer reference;
    private final Scorer value;
    private final PpoSettings settings;
    private final RunningMoments rewardMoments = new RunningMoments();
    private final int scoringBatch;

    public ExperienceMaker(Scorer policy, Scorer reference, Scorer value, PpoSettings settings, int scoringBatch) {
        this.policy = policy;
        this.reference = reference;
        this.value = value;
        this.settings = settings;
        this.scoringBatch = scoringBatch;
    }

    /** The experience of {@code rollouts} (non-empty) under the KL coefficient of this iteration. */
    public Experience make(List<RolloutSample> rollouts, double klCoef) {
        if (rollouts.isEmpty()) {
            throw new IllegalArgumentException("no rollouts to learn from");
        }
        List<Scorer.Example> examples = rollouts.stream()
                .map(r -> new Scorer.Example(r.promptIds(), r.responseIds())).toList();
        List<Scorer.Scores> policyScores = score(policy, examples);
        List<Scorer.Scores> refScores = score(reference, examples);
        List<Scorer.Scores> valueScores = score(value, examples);
        float[] scores = rewardScores(rollouts);
        List<float[]> oldLogProbs = new ArrayList<>();
        List<float[]> refLogProbs = new ArrayList<>();
        List<float[]> oldValues = new ArrayList<>();
        List<float[]> advantages = new ArrayList<>();
        List<float[]> returns = new ArrayList<>();
        double kl = 0;
        double k3 = 0;
        for (int i = 0; i < examples.size(); i++) {
            float[] logProbs = policyScores.get(i).logProbs();
            float[] ref = refScores.get(i).logProbs();
            float[] values = valueScores.get(i).values();
            float[] rewards = KlPenalty.shapedRewards(logProbs, ref, scores[i], (float) klCoef);
            Gae.Result gae = Gae.compute(rewards, values, settings.gamma(), settings.lambda());
            oldLogProbs.add(logProbs);
            refLogProbs.add(ref);
            oldValues.add(values);
            advantages.add(gae.advantages());
            returns.add(gae.returns());
            kl += KlPenalty.sum(KlPenalty.k1(logProbs, ref));
            k3 += KlPenalty.sum(KlPenalty.k3(logProbs, ref));
        }
        whiten(advantages);
        int n = examples.size();
        LogProbDrift drift = LogProbDrift.of(rollouts, oldLogProbs);
        double rewardMean = rollouts.stream().mapToDouble(RolloutSample::reward).average().orElse(0);
        double tokens = rollouts.stream().mapToInt(r -> r.responseIds().length).average().orElse(0);
        return new Experience(examples, oldLogProbs, refLogProbs, oldValues, advantages, returns,
                new Experience.Stats(rewardMean, kl / n, k3 / n, drift.mean(), drift.max(), tokens));
    }

    /** Raw scores, or scores normalised by the running moments of every score seen (this batch included). */
    private float[] rewardScores(List<RolloutSample> rollouts) {
        float[] scores = new float[rollouts.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = rollouts.get(i).reward();
        }
        if (!settings.normalizeRewards()) {
            return scores;
        }
        rewardMoments.update(scores);
        for (int i = 0; i < scores.length; i++) {
            scores[i] = rewardMoments.normalize(scores[i], true);
        }
        return scores;
    }

    private List<Scorer.Scores> score(Scorer scorer, List<Scorer.Example> examples) {
        List<Scorer.Scores> out = new ArrayList<>(examples.size());
        for (int from = 0; from < examples.size(); from += scoringBatch) {
            out.addAll(scorer.score(examples.subList(from, Math.min(examples.size(), from + scoringBatch))));
        }
        return out;
    }

    /** Advantages to zero mean and unit variance over every token of the batch (PPO implementation practice). */
    static void whiten(List<float[]> advantages) {
        double sum = 0;
        double squares = 0;
        long count = 0;
        for (float[] a : advantages) {
            for (float x : a) {
                sum += x;
                squares += (double) x * x;
                count++;
            }
        }
        double mean = sum / count;
        double std = Math.sqrt(Math.max(squares / count - mean * mean, 0));
        if (count < 2 || std < 1e-6) {
            return; // one token, or all equal: nothing to scale by
        }
        for (float[] a : advantages) {
            for (int t = 0; t < a.length; t++) {
                a[t] = (float) ((a[t] - mean) / std);
            }
        }
    }
}
