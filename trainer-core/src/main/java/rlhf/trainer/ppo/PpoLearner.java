package rlhf.trainer.ppo;

import java.util.List;

import rlhf.model.GptModel;
import rlhf.model.score.Scorer;

/**
 * Learns from one iteration's rollouts: experience (recompute, SFT reference, the critic's values when the estimator
 * needs them, shaped rewards, advantages) → E epochs of PPO → the KL coefficient's update. Holds what lasts across
 * iterations: the reward moments, the KL coefficient and the count of iterations (the critic's warm-up).
 */
public final class PpoLearner {

    private final ExperienceMaker experienceMaker;
    private final PpoUpdate update;
    private final KlCoefficient klCoefficient;
    private final Critic critic;
    private int iterations;

    /**
     * @param policy    the policy being trained (its parameters must be trainable during {@link #learn})
     * @param reference the frozen SFT policy
     * @param critic    the value model; null when {@code estimator} needs none
     */
    public PpoLearner(GptModel policy, GptModel reference, Critic critic, AdvantageEstimator estimator,
            PpoSettings settings, KlCoefficient klCoefficient, PretrainingBatches pretraining) {
        if (estimator.needsCritic() && critic == null) {
            throw new IllegalArgumentException(estimator + " needs a critic");
        }
        this.critic = estimator.needsCritic() ? critic : null;
        this.experienceMaker = new ExperienceMaker(new Scorer(policy), new Scorer(reference),
                this.critic == null ? null : new Scorer(this.critic.model()), estimator, settings.normalizeRewards(),
                Math.max(settings.minibatchSize(), 8));
        this.update = new PpoUpdate(policy, this.critic == null ? null : this.critic.model(), settings, pretraining);
        this.klCoefficient = klCoefficient;
    }

    /** The KL coefficient the next iteration will use. */
    public double klCoef() {
        return klCoefficient.klCoef();
    }

    /** One iteration's learning; the models are updated in place. */
    public IterationReport learn(List<RolloutSample> rollouts, OptimizerStep optimizer) {
        double klCoef = klCoefficient.klCoef();
        long started = System.nanoTime();
        Experience experience = experienceMaker.make(rollouts, klCoef);
        long prepared = System.nanoTime();
        boolean criticOnly = critic != null && iterations < critic.warmupIterations();
        UpdateReport report = update.run(experience, optimizer, criticOnly);
        long updated = System.nanoTime();
        iterations++;
        double nextKlCoef = klCoefficient.update(experience.stats(), experience.size());
        return new IterationReport(experience.size(), experience.stats(), report, klCoef, nextKlCoef, criticOnly,
                (prepared - started) / 1e9, (updated - prepared) / 1e9);
    }

    /**
     * @param criticOnly       the critic's warm-up: the policy was not updated
     * @param referenceSeconds recompute of log-probs, SFT reference log-probs and values (no gradients)
     * @param updateSeconds    the PPO epochs
     */
    public record IterationReport(int rollouts, Experience.Stats stats, UpdateReport update, double klCoef,
            double nextKlCoef, boolean criticOnly, double referenceSeconds, double updateSeconds) {
    }
}
