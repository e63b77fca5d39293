package rlhf.trainer.ppo;

import java.util.List;

import rlhf.model.score.Scorer;

/**
 * One iteration's rollouts made ready for PPO: per rollout (A response tokens) the trainer's log-probs at the start
 * of the update ({@code oldLogProbs}), the frozen SFT reference's ({@code refLogProbs}), the advantages of the
 * {@link AdvantageEstimator} and, with a critic, its values at rollout time ({@code oldValues}) and the returns it is
 * trained towards (both null without a critic).
 *
 * @param stats what was measured while preparing it (reward, KL, drift)
 */
public record Experience(List<Scorer.Example> examples, List<float[]> oldLogProbs, List<float[]> refLogProbs,
        List<float[]> oldValues, List<float[]> advantages, List<float[]> returns, Stats stats) {

    public Experience {
        examples = List.copyOf(examples);
        oldLogProbs = List.copyOf(oldLogProbs);
        refLogProbs = List.copyOf(refLogProbs);
        oldValues = oldValues == null ? null : List.copyOf(oldValues);
        advantages = List.copyOf(advantages);
        returns = returns == null ? null : List.copyOf(returns);
    }

    public int size() {
        return examples.size();
    }

    /** True when the experience carries the critic's values and returns. */
    public boolean hasCritic() {
        return oldValues != null;
    }

    /**
     * @param rewardMean     mean reward-model score (raw, before normalisation)
     * @param klMean         mean over responses of Σ_t k1 (KL(π ‖ π_SFT) per response, nats): what the penalty used
     * @param k3Mean         the same KL by the k3 estimator (reported)
     * @param driftMean      mean |generator log-prob − trainer log-prob| per token
     * @param driftMax       the largest such difference
     * @param responseTokens mean response length
     * @param entropy        mean −log π(a_t|s_t) over the sampled tokens: an unbiased estimate of the policy's
     *                       per-token entropy that needs no pass over the vocabulary
     * @param alone          rollouts without a group baseline (advantage 0)
     */
    public record Stats(double rewardMean, double klMean, double k3Mean, double driftMean, double driftMax,
            double responseTokens, double entropy, int alone) {

        /** KL per response token (k1), the scale a per-token target reads. */
        public double klPerToken() {
            return responseTokens > 0 ? klMean / responseTokens : 0;
        }
    }
}
