package rlhf.trainer.ppo;

/**
 * The learner's hyperparameters (the job validates their bounds; the names follow STYLE.md).
 *
 * @param epochs           E: passes over one iteration's rollouts
 * @param minibatchSize    rollouts per optimizer step
 * @param clipEpsilon      ε of the clipped surrogate
 * @param valueClipEpsilon ε_v of the clipped value loss
 * @param gamma            GAE's discount γ
 * @param lambda           GAE's λ
 * @param entropyCoef      weight of the entropy bonus (subtracted from the loss)
 * @param valueCoef        weight of the value loss
 * @param ptxCoef          InstructGPT's PPO-ptx weight of the pretraining LM loss; 0 disables
 * @param normalizeRewards scale (and centre) the reward model's scores by running moments over all rollouts seen
 * @param seed             minibatch shuffling
 *
 * <p>Start from {@link #DEFAULTS} and change what differs with the withers, e.g.
 * {@code PpoSettings.DEFAULTS.withEpochs(2).withMinibatchSize(4)}.
 */
public record PpoSettings(int epochs, int minibatchSize, float clipEpsilon, float valueClipEpsilon, float gamma,
        float lambda, float entropyCoef, float valueCoef, float ptxCoef, boolean normalizeRewards, long seed) {

    public PpoSettings {
        if (epochs < 1 || minibatchSize < 1) {
            throw new IllegalArgumentException("epochs and minibatchSize must be >= 1");
        }
        if (!(clipEpsilon > 0) || !(valueClipEpsilon > 0)) {
            throw new IllegalArgumentException("clipEpsilon and valueClipEpsilon must be > 0");
        }
        if (entropyCoef < 0 || valueCoef < 0 || ptxCoef < 0) {
            throw new IllegalArgumentException("coefficients must be >= 0");
        }
    }

    /**
     * The defaults: 4 epochs of minibatches of 16, ε = ε_v = 0.2, γ = 1, λ = 0.95, no entropy bonus, value weight 0.5,
     * PPO-ptx off, rewards normalised by running moments, seed 1.
     */
    public static final PpoSettings DEFAULTS = new PpoSettings(4, 16, 0.2f, 0.2f, 1f, 0.95f, 0f, 0.5f, 0f, true, 1);

    /** These settings with another epochs. */
    public PpoSettings withEpochs(int epochs) {
        return new PpoSettings(epochs, minibatchSize, clipEpsilon, valueClipEpsilon, gamma, lambda, entropyCoef,
                valueCoef, ptxCoef, normalizeRewards, seed);
    }

    /** These settings with another minibatchSize. */
    public PpoSettings withMinibatchSize(int minibatchSize) {
        return new PpoSettings(epochs, minibatchSize, clipEpsilon, valueClipEpsilon, gamma, lambda, entropyCoef,
                valueCoef, ptxCoef, normalizeRewards, seed);
    }

    /** These settings with another clipEpsilon. */
    public PpoSettings withClipEpsilon(float clipEpsilon) {
        return new PpoSettings(epochs, minibatchSize, clipEpsilon, valueClipEpsilon, gamma, lambda, entropyCoef,
                valueCoef, ptxCoef, normalizeRewards, seed);
    }

    /** These settings with another valueClipEpsilon. */
    public PpoSettings withValueClipEpsilon(float valueClipEpsilon) {
        return new PpoSettings(epochs, minibatchSize, clipEpsilon, valueClipEpsilon, gamma, lambda, entropyCoef,
                valueCoef, ptxCoef, normalizeRewards, seed);
    }

    /** These settings with another gamma. */
    public PpoSettings withGamma(float gamma) {
        return new PpoSettings(epochs, minibatchSize, clipEpsilon, valueClipEpsilon, gamma, lambda, entropyCoef,
                valueCoef, ptxCoef, normalizeRewards, seed);
    }

    /** These settings with another lambda. */
    public PpoSettings withLambda(float lambda) {
        return new PpoSettings(epochs, minibatchSize, clipEpsilon, valueClipEpsilon, gamma, lambda, entropyCoef,
                valueCoef, ptxCoef, normalizeRewards, seed);
    }

    /** These settings with another entropyCoef. */
    public PpoSettings withEntropyCoef(float entropyCoef) {
        return new PpoSettings(epochs, minibatchSize, clipEpsilon, valueClipEpsilon, gamma, lambda, entropyCoef,
                valueCoef, ptxCoef, normalizeRewards, seed);
    }

    /** These settings with another valueCoef. */
    public PpoSettings withValueCoef(float valueCoef) {
        return new PpoSettings(epochs, minibatchSize, clipEpsilon, valueClipEpsilon, gamma, lambda, entropyCoef,
                valueCoef, ptxCoef, normalizeRewards, seed);
    }

    /** These settings with another ptxCoef. */
    public PpoSettings withPtxCoef(float ptxCoef) {
        return new PpoSettings(epochs, minibatchSize, clipEpsilon, valueClipEpsilon, gamma, lambda, entropyCoef,
                valueCoef, ptxCoef, normalizeRewards, seed);
    }

    /** These settings with another normalizeRewards. */
    public PpoSettings withNormalizeRewards(boolean normalizeRewards) {
        return new PpoSettings(epochs, minibatchSize, clipEpsilon, valueClipEpsilon, gamma, lambda, entropyCoef,
                valueCoef, ptxCoef, normalizeRewards, seed);
    }

    /** These settings with another seed. */
    public PpoSettings withSeed(long seed) {
        return new PpoSettings(epochs, minibatchSize, clipEpsilon, valueClipEpsilon, gamma, lambda, entropyCoef,
                valueCoef, ptxCoef, normalizeRewards, seed);
    }
}
