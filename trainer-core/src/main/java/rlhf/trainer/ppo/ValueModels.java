package rlhf.trainer.ppo;

import rlhf.model.GptModel;

/**
 * Where the value function V(s_t) starts. The trainer initialises it from the reward model, as InstructGPT did
 * (arXiv:2203.02155, §3.5 "we initialize the value function from the RM"): the RM's backbone already reads the
 * quality of an answer, and its reward head applied at every prefix is a fair first guess of the score to come, so the
 * first iterations' advantages are not noise from a random head. A separate network (rather than a head on the policy)
 * also keeps the value loss's gradients out of the policy. It lives only in the trainer: a restarted job starts it
 * again from the reward model.
 */
public final class ValueModels {

    private ValueModels() {
    }

    /** A copy of {@code rewardModel} whose value head is its reward head. */
    public static GptModel fromRewardModel(GptModel rewardModel) {
        GptModel value = rewardModel.copy();
        value.parameters().get("value_head.weight").set(rewardModel.parameters().get("reward_head.weight").toFloatArray());
        value.parameters().get("value_head.bias").set(rewardModel.parameters().get("reward_head.bias").toFloatArray());
        return value;
    }
}
