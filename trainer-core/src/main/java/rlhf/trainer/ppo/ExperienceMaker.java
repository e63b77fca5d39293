package rlhf.trainer.ppo;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import rlhf.model.score.Scorer;
import rlhf.trainer.algo.KlPenalty;
import rlhf.trainer.algo.RunningMoments;

/**
 * Turns rollouts into an {@link Experience}: recomputes log-probs under the current policy and the frozen SFT
 * reference's (InstructGPT's KL is to SFT, not to the previous policy), and the critic's values when the estimator
 * needs them, all without gradients and each with only the heads it needs; shapes per-token rewards (−klCoef · k1 on
 * every token, the reward-model score on the last, see {@link KlPenalty}); hands them to the
 * {@link AdvantageEstimator}.
 *
 * <p>The trainer's own log-probs are the PPO ratio's denominator ({@code oldLogProbs}), not the generator's: the two
 * differ by numerics (batching, padding, KV cache) and, for rollouts of an older version within the staleness bound, by
 * the version; the difference is measured and reported as drift.
 */
public final class ExperienceMaker {

    private static final Set<Scorer.Head> LOG_PROBS = EnumSet.of(Scorer.Head.LOG_PROBS);
    private static final Set<Scorer.Head> VALUES = EnumSet.of(Scorer.Head.VALUES);

    private final Scorer policy;
    private final Scorer reference;
    private final Scorer critic;
    private final AdvantageEstimator estimator;
    private final boolean normalizeRewards;
    private final RunningMoments rewardMoments = new RunningMoments();
    private final int scoringBatch;

    /** @param critic the critic's scorer; null when the estimator needs none */
    public ExperienceMaker(Scorer policy, Scorer reference, Scorer critic, AdvantageEstimator estimator,
            boolean normalizeRewards, int scoringBatch) {
        if (estimator.needsCritic() && critic == null) {
            throw new IllegalArgumentException(estimator + " needs a critic");
        }
        this.policy = policy;
        this.reference = reference;
        this.critic = estimator.needsCritic() ? critic : null;
        this.estimator = estimator;
        this.normalizeRewards = normalizeRewards;
        this.scoringBatch = scoringBatch;
    }

    /** The experience of {@code rollouts} (non-empty) under the KL coefficient of this iteration. */
    public Experience make(List<RolloutSample> rollouts, double klCoef) {
        if (rollouts.isEmpty()) {
            throw new IllegalArgumentException("no rollouts to learn from");
        }
        List<Scorer.Example> examples = rollouts.stream()
                .map(r -> new Scorer.Example(r.promptIds(), r.responseIds())).toList();
        List<Scorer.Scores> policyScores = score(policy, examples, LOG_PROBS);
        List<Scorer.Scores> refScores = score(reference, examples, LOG_PROBS);
        List<float[]> values = critic == null ? null
                : score(critic, examples, VALUES).stream().map(Scorer.Scores::values).toList();
        float[] scores = rewardScores(rollouts);
        List<float[]> oldLogProbs = new ArrayList<>();
        List<float[]> refLogProbs = new ArrayList<>();
        List<float[]> rewards = new ArrayList<>();
        double kl = 0;
        double k3 = 0;
        double negLogProb = 0;
        long tokens = 0;
        for (int i = 0; i < examples.size(); i++) {
            float[] logProbs = policyScores.get(i).logProbs();
            float[] ref = refScores.get(i).logProbs();
            rewards.add(KlPenalty.shapedRewards(logProbs, ref, scores[i], (float) klCoef));
            oldLogProbs.add(logProbs);
            refLogProbs.add(ref);
            kl += KlPenalty.sum(KlPenalty.k1(logProbs, ref));
            k3 += KlPenalty.sum(KlPenalty.k3(logProbs, ref));
            negLogProb -= KlPenalty.sum(logProbs);
            tokens += logProbs.length;
        }
        AdvantageEstimator.Estimate estimate = estimator.estimate(rollouts, rewards, values);
        int n = examples.size();
        LogProbDrift drift = LogProbDrift.of(rollouts, oldLogProbs);
        double rewardMean = rollouts.stream().mapToDouble(RolloutSample::reward).average().orElse(0);
        return new Experience(examples, oldLogProbs, refLogProbs, values, estimate.advantages(), estimate.returns(),
                new Experience.Stats(rewardMean, kl / n, k3 / n, drift.mean(), drift.max(), (double) tokens / n,
                        negLogProb / tokens, estimate.alone()));
    }

    /** Raw scores, or scores normalised by the running moments of every score seen (this batch included). */
    private float[] rewardScores(List<RolloutSample> rollouts) {
        float[] scores = new float[rollouts.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = rollouts.get(i).reward();
        }
        if (!normalizeRewards) {
            return scores;
        }
        rewardMoments.update(scores);
        for (int i = 0; i < scores.length; i++) {
            scores[i] = rewardMoments.normalize(scores[i], true);
        }
        return scores;
    }

    private List<Scorer.Scores> score(Scorer scorer, List<Scorer.Example> examples, Set<Scorer.Head> heads) {
        List<Scorer.Scores> out = new ArrayList<>(examples.size());
        for (int from = 0; from < examples.size(); from += scoringBatch) {
            out.addAll(scorer.score(examples.subList(from, Math.min(examples.size(), from + scoringBatch)), heads));
        }
        return out;
    }
}
