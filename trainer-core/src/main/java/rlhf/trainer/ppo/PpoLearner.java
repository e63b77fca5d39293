package rlhf.trainer.ppo;

import java.util.List;

import rlhf.model.GptModel;
import rlhf.model.score.Scorer;

/**
 * Learns from one iteration's rollouts: experience (recompute + reference + values, shaped rewards, GAE) → E epochs
 * of PPO → the adaptive KL update. Holds what lasts across iterations: the reward moments and the KL coefficient.
 */
public final class PpoLearner {

    private final ExperienceMaker experienceMaker;
    private final PpoUpdate update;
    private final KlCoefficient klCoefficient;

    /**
     * @param policy    the policy being trained (its parameters must be trainable during {@link #learn})
     * @param reference the frozen SFT policy
     * @param value     the value model
     */
    public PpoLearner(GptModel policy, GptModel reference, GptModel value, PpoSettings settings,
            KlCoefficient klCoefficient, PretrainingBatches pretraining) {
        this.experienceMaker = new ExperienceMaker(new Scorer(policy), new Scorer(reference), new Scorer(value),
                settings, Math.max(settings.minibatchSize(), 8));
        this.update = new PpoUpdate(policy, value, settings, pretraining);
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
        UpdateReport report = update.run(experience, optimizer);
        long updated = System.nanoTime();
        double nextKlCoef = klCoefficient.update(experience.stats().klMean(), experience.size());
        return new IterationReport(experience.size(), experience.stats(), report, klCoef, nextKlCoef,
                (prepared - started) / 1e9, (updated - prepared) / 1e9);
    }

    /**
     * @param referenceSeconds recompute of log-probs, SFT reference log-probs and values (no gradients)
     * @param updateSeconds    the PPO epochs
     */
    public record IterationReport(int rollouts, Experience.Stats stats, UpdateReport update, double klCoef,
            double nextKlCoef, double referenceSeconds, double updateSeconds) {
    }
}
