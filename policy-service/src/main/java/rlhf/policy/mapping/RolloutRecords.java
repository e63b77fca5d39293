package rlhf.policy.mapping;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.ByteString;

import rlhf.ops.v1.DeadLetter;
import rlhf.policy.service.Completion;
import rlhf.policy.service.Generated;
import rlhf.policy.service.ScoredRollouts;
import rlhf.policy.v1.Rollout;

/** Rollout results → the payloads of {@code rlhf.rollouts} and {@code rlhf.dead-letter}. */
public final class RolloutRecords {

    private RolloutRecords() {
    }

    /** One Rollout per sample, every field filled; log_probs are the raw policy's, one per response token. */
    public static List<Rollout> rollouts(ScoredRollouts s, Instant now) {
        Generated g = s.generated();
        List<Rollout> out = new ArrayList<>(g.completions().size());
        for (Completion c : g.completions()) {
            Rollout.Builder r = Rollout.newBuilder().setPromptId(s.task().promptId()).setSampleIndex(c.index())
                    .setPolicyVersion(g.model().version()).setReward(s.rewards()[c.index()])
                    .setRewardVersion(s.rewardVersion()).setFinishReason(PolicyResponses.finishReason(c.finish()))
                    .setIteration(s.task().iteration()).setResponseText(c.text())
                    .setCreatedAt(PolicyResponses.timestamp(now)).putAllAttributes(s.task().attributes())
                    .setGenerationMs(s.generationMs()).setScoringMs(s.scoringMs());
            for (int id : g.promptIds()) {
                r.addPromptTokenIds(id);
            }
            for (int i = 0; i < c.tokenIds().length; i++) {
                r.addResponseTokenIds(c.tokenIds()[i]).addLogProbs(c.logProbs()[i]);
            }
            out.add(r.build());
        }
        return out;
    }

    /** The record verbatim with why it failed. */
    public static DeadLetter deadLetter(String topic, int partition, long offset, byte[] key, byte[] value,
            String reason, String errorClass, String consumer, Instant now) {
        return DeadLetter.newBuilder().setSourceTopic(topic).setSourcePartition(partition).setSourceOffset(offset)
                .setKey(key == null ? ByteString.EMPTY : ByteString.copyFrom(key))
                .setValue(value == null ? ByteString.EMPTY : ByteString.copyFrom(value)).setReason(reason)
                .setErrorClass(errorClass).setConsumer(consumer).setFailedAt(PolicyResponses.timestamp(now)).build();
    }
}
