package rlhf.trainer.ppo;

import java.util.List;

import rlhf.model.score.Scorer;

/**
 * One iteration's rollouts made ready for PPO: per rollout (A response tokens) the trainer's log-probs at the start
 * of the update ({@code oldLogProbs}), the frozen SFT reference's ({@code refLogProbs}), the value model's
 * ({@code oldValues}), and the GAE {@code advantages} (whitened over the batch) and {@code returns}.
 *
 * @param stats what was measured while preparing it (reward, KL, drift)
 */
public record Experience(List<Scorer.Example> examples, List<float[]> oldLogProbs, List<float[]> refLogProbs,
        List<float[]> oldValues, List<float[]> advantages, List<float[]> returns, Stats stats) {

    public Experience {
        examples = List.copyOf(examples);
        oldLogProbs = List.copyOf(oldLogProbs);
        refLogProbs = List.copyOf(refLogProbs);
        oldValues = List.copyOf(oldValues);
        advantages = List.copyOf(advantages);
        returns = List.copyOf(returns);
    }

    public int size() {
        return examples.size();
    }

    /**
     * @param rewardMean    mean reward-model score (raw, before normalisation)
     * @param klMean        mean over responses of Σ_t k1 (KL(π ‖ π_SFT) per response, nats): what the penalty used
     * @param k3Mean        the same KL by the k3 estimator (reported)
     * @param driftMean     mean |generator log-prob − trainer log-prob| per token
     * @param driftMax      the largest such difference
     * @param responseTokens mean response length
     */
    public record Stats(double rewardMean, double klMean, double k3Mean, double driftMean, double driftMax,
            double responseTokens) {
    }
}
