package rlhf.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import rlhf.common.v1.ChatMessage;
import rlhf.common.v1.Conversation;
import rlhf.common.v1.ModelKind;
import rlhf.common.v1.ModelRef;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.Role;
import rlhf.common.v1.SamplingParams;
import rlhf.feedback.v1.Answer;
import rlhf.feedback.v1.AnswerLabel;
import rlhf.feedback.v1.Comparison;
import rlhf.feedback.v1.RankTier;
import rlhf.feedback.v1.Split;
import rlhf.feedback.v1.UserErasure;
import rlhf.model.v1.DatasetRef;
import rlhf.model.v1.ModelVersion;
import rlhf.ops.v1.DeadLetter;
import rlhf.policy.v1.FinishReason;
import rlhf.policy.v1.Rollout;
import rlhf.policy.v1.RolloutRequest;
import rlhf.wire.Topic;

/** One fully populated payload per topic, keyed as the topic table says. */
final class SamplePayloads {

    record Keyed(String key, Message value) {
    }

    private static final Timestamp NOW = Timestamp.newBuilder().setSeconds(1_795_000_000L).setNanos(123).build();

    private SamplePayloads() {
    }

    static Map<Topic, Keyed> all() {
        Map<Topic, Keyed> m = new LinkedHashMap<>();
        RolloutRequest request = rolloutRequest();
        m.put(Topic.PROMPTS, new Keyed(request.getPromptId(), request));
        Rollout rollout = rollout();
        m.put(Topic.ROLLOUTS, new Keyed(rollout.getPromptId(), rollout));
        Comparison comparison = comparison();
        m.put(Topic.COMPARISONS, new Keyed(comparison.getComparisonId(), comparison));
        ModelVersion version = modelVersion();
        m.put(Topic.MODEL_VERSIONS, new Keyed(version.getKind().name(), version));
        UserErasure erasure = UserErasure.newBuilder().setUserId("user-00042")
                .setRequestedAt(Timestamp.newBuilder().setSeconds(1_764_000_000L)).setRequestedBy("admin")
                .setComparisonsKnown(3).build();
        m.put(Topic.USER_ERASURES, new Keyed(erasure.getUserId(), erasure));
        DeadLetter deadLetter = deadLetter();
        m.put(Topic.DEAD_LETTER, new Keyed(deadLetter.getSourceTopic(), deadLetter));
        return m;
    }

    static RolloutRequest rolloutRequest() {
        return RolloutRequest.newBuilder()
                .setPromptId("ppo-train-000042")
                .setPrompt(Prompt.newBuilder().setText("What is 12 plus 7?"))
                .setN(4)
                .setSampling(SamplingParams.newBuilder().setTemperature(1f).setTopP(1f).setMaxNewTokens(24).setSeed(7))
                .setPolicyVersion(3)
                .setRewardVersion(2)
                .setIteration(17)
                .setRequestedAt(NOW)
                .putAttributes("dataset", "ppo-train")
                .build();
    }

    static Rollout rollout() {
        return Rollout.newBuilder()
                .setPromptId("ppo-train-000042")
                .setSampleIndex(1)
                .addAllPromptTokenIds(java.util.List.of(256, 87, 104, 97, 116))
                .addAllResponseTokenIds(java.util.List.of(49, 57, 46, 257))
                .addAllLogProbs(java.util.List.of(-0.25f, -0.5f, -0.125f, -0.0625f))
                .setPolicyVersion(3)
                .setReward(1.75f)
                .setRewardVersion(2)
                .setFinishReason(FinishReason.FINISH_REASON_END_OF_TEXT)
                .setIteration(17)
                .setResponseText("19.")
                .setCreatedAt(NOW)
                .putAttributes("dataset", "ppo-train")
                .setGenerationMs(12.5)
                .setScoringMs(3.25)
                .build();
    }

    static Comparison comparison() {
        ModelRef policy = ModelRef.newBuilder().setKind(ModelKind.MODEL_KIND_POLICY).setVersion(3).build();
        return Comparison.newBuilder()
                .setComparisonId("cmp-2026-11-21-0001")
                .setUserId("user-0042")
                .setSplit(Split.SPLIT_TRAIN)
                .setPrompt(Prompt.newBuilder().setChat(Conversation.newBuilder()
                        .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_SYSTEM).setContent("Be helpful."))
                        .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_USER).setContent("Name 2 colors."))))
                .addAnswers(Answer.newBuilder().setText("red, blue.").setModel(policy).setLikert(7))
                .addAnswers(Answer.newBuilder().setText("Sure! red, blue and green.").setModel(policy).setLikert(2)
                        .addLabels(AnswerLabel.ANSWER_LABEL_FAILS_TASK))
                .addAnswers(Answer.newBuilder().setText("Sorry, I can't help with that.").setModel(policy).setLikert(3)
                        .addLabels(AnswerLabel.ANSWER_LABEL_OVER_REFUSAL))
                .addAnswers(Answer.newBuilder().setText("red, blue, and that is all.").setModel(policy).setLikert(5)
                        .addLabels(AnswerLabel.ANSWER_LABEL_VERBOSE))
                // A > D > B = C: the last tier is a tie.
                .addRanking(RankTier.newBuilder().addAnswerIndexes(0))
                .addRanking(RankTier.newBuilder().addAnswerIndexes(3))
                .addRanking(RankTier.newBuilder().addAnswerIndexes(1).addAnswerIndexes(2))
                .setLabelerId("labeler-7")
                .setSource("chat")
                .setCreatedAt(NOW)
                .build();
    }

    static ModelVersion modelVersion() {
        return ModelVersion.newBuilder()
                .setKind(ModelKind.MODEL_KIND_POLICY)
                .setVersion(4)
                .setStoreUri("file:///models/policy/v4")
                .setSha256("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                .addParents(ModelRef.newBuilder().setKind(ModelKind.MODEL_KIND_POLICY).setVersion(3))
                .addParents(ModelRef.newBuilder().setKind(ModelKind.MODEL_KIND_REWARD).setVersion(2))
                .addDatasets(DatasetRef.newBuilder().setName("ppo-train").setUri("file:///data/ppo.jsonl")
                        .setSha256("ab").setRecords(3100))
                .putMetrics("ppo.kl_to_sft", 2.5)
                .putMetrics("ppo.reward_mean", 1.25)
                .setCreatedAt(NOW)
                .setCreatedBy("trainer/ppo")
                .setParameterCount(1_234_567)
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSourceTopic(Topic.PROMPTS.topicName())
                .setSourcePartition(2)
                .setSourceOffset(981)
                .setKey(ByteString.copyFromUtf8("ppo-train-000013"))
                .setValue(ByteString.copyFrom(new byte[] {(byte) 0xff, 0x00, 0x13}))
                .setReason("prompt: cannot parse RolloutRequest (truncated message)")
                .setErrorClass("INVALID_PAYLOAD")
                .setConsumer("policy-service/rollout-worker-0")
                .setFailedAt(NOW)
                .build();
    }
}
