package rlhf.trainer.kafka;

import java.time.Instant;
import java.util.List;

import rlhf.common.v1.ChatMessage;
import rlhf.common.v1.Conversation;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.Role;
import rlhf.common.v1.SamplingParams;
import rlhf.policy.v1.Rollout;
import rlhf.policy.v1.RolloutRequest;
import rlhf.trainer.jobs.ppo.RolloutRequestSpec;
import rlhf.trainer.ppo.RolloutSample;

/**
 * PPO's payloads on Kafka: {@link RolloutRequestSpec} → {@code RolloutRequest} (temperature 1, no top-k / top-p
 * truncation, so the generator's log-probs are the policy's), {@code Rollout} → {@link RolloutSample}.
 */
public final class Rollouts {

    private Rollouts() {
    }

    public static RolloutRequest request(RolloutRequestSpec spec, Instant now) {
        return RolloutRequest.newBuilder().setPromptId(spec.promptId()).setPrompt(prompt(spec.prompt()))
                .setN(spec.n())
                .setSampling(SamplingParams.newBuilder().setTemperature(1f).setTopP(1f).setTopK(0)
                        .setMaxNewTokens(spec.maxNewTokens()))
                .setPolicyVersion(spec.policyVersion()).setRewardVersion(spec.rewardVersion())
                .setIteration(spec.iteration()).setRequestedAt(ModelVersions.timestamp(now))
                .putAllAttributes(spec.attributes()).build();
    }

    /** A single user turn as text (rendered by the server's chat template); anything longer as a conversation. */
    static Prompt prompt(List<rlhf.model.tokenizer.ChatMessage> conversation) {
        if (conversation.size() == 1 && conversation.get(0).role() == rlhf.model.tokenizer.ChatMessage.Role.USER) {
            return Prompt.newBuilder().setText(conversation.get(0).content()).build();
        }
        Conversation.Builder chat = Conversation.newBuilder();
        for (rlhf.model.tokenizer.ChatMessage m : conversation) {
            chat.addMessages(ChatMessage.newBuilder().setRole(role(m.role())).setContent(m.content()));
        }
        return Prompt.newBuilder().setChat(chat).build();
    }

    private static Role role(rlhf.model.tokenizer.ChatMessage.Role role) {
        return switch (role) {
            case SYSTEM -> Role.ROLE_SYSTEM;
            case USER -> Role.ROLE_USER;
            case ASSISTANT -> Role.ROLE_ASSISTANT;
        };
    }

    /** @throws IllegalArgumentException for a rollout without tokens or with a log-prob count unlike its tokens */
    public static RolloutSample sample(Rollout r) {
        int[] promptIds = r.getPromptTokenIdsList().stream().mapToInt(Integer::intValue).toArray();
        int[] responseIds = r.getResponseTokenIdsList().stream().mapToInt(Integer::intValue).toArray();
        float[] logProbs = new float[r.getLogProbsCount()];
        for (int i = 0; i < logProbs.length; i++) {
            logProbs[i] = r.getLogProbs(i);
        }
        return new RolloutSample(r.getPromptId(), r.getSampleIndex(), promptIds, responseIds, logProbs,
                r.getPolicyVersion(), r.getReward(), r.getRewardVersion(), r.getIteration(), r.getGenerationMs(),
                r.getScoringMs(), r.getResponseText(), r.getAttributesMap());
    }
}
