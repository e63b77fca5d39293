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
}
