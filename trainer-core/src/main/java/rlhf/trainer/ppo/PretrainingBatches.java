package rlhf.trainer.ppo;

/** Supplies PPO-ptx's pretraining windows: each row holds window + 1 token ids (inputs and next-token targets). */
@FunctionalInterface
public interface PretrainingBatches {

    int[][] next();
}
