package rlhf.trainer.jobs;

import java.util.Locale;

/** What a job trains; each kind publishes one model kind of the store. */
public enum JobKind {
    /** Language-model pretraining from scratch → {@code base}. */
    PRETRAIN,
    /** Supervised fine-tuning of a base model on demonstrations → {@code sft}. */
    SFT,
    /** Reward model from an SFT model on ranked comparisons → {@code reward}. */
    REWARD_MODEL,
    /** InstructGPT's RL stage: PPO against the reward model with a KL penalty to the SFT policy → {@code policy}. */
    PPO,
    /**
     * hh-rlhf's iterated online RLHF, one week: snapshot of the human comparisons → reward model on old + new behind
     * its gate → PPO from the serving policy → the policy gate → one announced {@code policy} version (the promoted
     * candidate, or the champion again).
     */
    ONLINE_ITERATION;

    /** {@code pretrain}, {@code sft}, {@code reward_model}, {@code ppo}, {@code online_iteration}: the bounded tag value of metrics and the created-by name. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A kind by name, case-insensitive, with {@code -} for {@code _} and {@code rm} for the reward model. */
    public static JobKind parse(String name) {
        String normalized = name.trim().toUpperCase(Locale.ROOT).replace('-', '_').replaceFirst("^JOB_KIND_", "");
        if (normalized.equals("RM") || normalized.equals("REWARD")) {
            return REWARD_MODEL;
        }
        if (normalized.equals("ONLINE")) {
            return ONLINE_ITERATION;
        }
        try {
            return valueOf(normalized);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("kind", "must be PRETRAIN, SFT, REWARD_MODEL, PPO or ONLINE_ITERATION, got '" + name + "'");
        }
    }
}
