package rlhf.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.SamplingParams;
import rlhf.kafka.KafkaTestResource;
import rlhf.model.score.Scorer;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.LoadedCheckpoint;
import rlhf.model.tokenizer.ByteTokenizer;
import rlhf.model.tokenizer.PromptResponse;
import rlhf.ops.v1.DeadLetter;
import rlhf.policy.v1.FinishReason;
import rlhf.policy.v1.Rollout;
import rlhf.policy.v1.RolloutRequest;
import rlhf.wire.Topic;

/** The rollout workers on the real broker: prompts in, scored rollouts and dead letters out, offsets committed. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PolicyTestEnvironment.class)
class RolloutWorkerTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "rlhf.policy.rollout.group-id")
    String groupId;

    @ConfigProperty(name = "rlhf.policy.model-store")
    String modelStore;

    @Test
    void requestsBecomeScoredRolloutsAndBadRecordsDeadLetters() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String question = "Name a prime number.";
        RolloutRequest good = request(run + "-good", question, 3, 1, 0);
        RolloutRequest flaky = request(run + "-flaky", "Say hi.", 2, 1, FakeRewardService.FLAKY);
        RolloutRequest missingVersion = request(run + "-missing", question, 1, 99, 0);
        RolloutRequest tooLong = request(run + "-long", "y".repeat(200), 1, 1, 0);
        RolloutRequest unscorable = request(run + "-unscorable", question, 1, 1, FakeRewardService.ALWAYS_UNAVAILABLE);
        byte[] garbage = {(byte) 0xff, 0x01, 0x02, (byte) 0x80};
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (RolloutRequest r : List.of(good, flaky, missingVersion, tooLong, unscorable)) {
                producer.send(new ProducerRecord<>(Topic.PROMPTS.topicName(), utf8(r.getPromptId()), r.toByteArray()));
            }
            producer.send(new ProducerRecord<>(Topic.PROMPTS.topicName(), utf8(run + "-garbage"), garbage));
            producer.flush();
        }

        List<Rollout> rollouts = readUntil(Topic.ROLLOUTS.topicName(), Rollout.parser(),
                r -> r.getPromptId().startsWith(run), 5);
        Map<String, List<Rollout>> byPrompt = new HashMap<>();
        rollouts.forEach(r -> byPrompt.computeIfAbsent(r.getPromptId(), k -> new ArrayList<>()).add(r));
        assertThat(byPrompt.keySet()).containsExactlyInAnyOrder(good.getPromptId(), flaky.getPromptId());
        assertThat(byPrompt.get(good.getPromptId())).extracting(Rollout::getSampleIndex).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(byPrompt.get(flaky.getPromptId())).allSatisfy(r -> assertThat(r.getRewardVersion()).isEqualTo(FakeRewardService.FLAKY));

        ByteTokenizer tokenizer = new ByteTokenizer();
        int[] promptIds = PromptResponse.promptIds(tokenizer, question);
        try (LoadedCheckpoint policy = new CheckpointStore(Path.of(modelStore)).load("policy", 1)) {
            for (Rollout r : byPrompt.get(good.getPromptId())) {
                assertRolloutFields(r, good, promptIds, tokenizer);
                int[] response = r.getResponseTokenIdsList().stream().mapToInt(Integer::intValue).toArray();
                float[] expected = new Scorer(policy.model()).score(List.of(new Scorer.Example(promptIds, response)))
                        .get(0).logProbs();
                for (int t = 0; t < expected.length; t++) {
                    assertThat(r.getLogProbs(t)).isCloseTo(expected[t], within(1e-4f));
                }
            }
        }

        List<DeadLetter> letters = readUntil(Topic.DEAD_LETTER.topicName(), DeadLetter.parser(),
                d -> new String(d.getKey().toByteArray(), StandardCharsets.UTF_8).startsWith(run), 4);
        Map<String, DeadLetter> byKey = new HashMap<>();
        letters.forEach(d -> byKey.put(new String(d.getKey().toByteArray(), StandardCharsets.UTF_8), d));
        assertDeadLetter(byKey.get(run + "-garbage"), garbage, "INVALID_PAYLOAD", "value: not a rlhf.policy.v1.RolloutRequest");
        assertDeadLetter(byKey.get(missingVersion.getPromptId()), missingVersion.toByteArray(), "UNKNOWN_VERSION", "policy/v99");
        assertDeadLetter(byKey.get(tooLong.getPromptId()), tooLong.toByteArray(), "INVALID_PAYLOAD",
                "prompt: " + PromptResponse.promptIds(tokenizer, "y".repeat(200)).length + " tokens + 8 new tokens > context");
        assertDeadLetter(byKey.get(unscorable.getPromptId()), unscorable.toByteArray(), "SCORING_FAILED",
                "reward service: UNAVAILABLE after 3 attempts");

        assertEverythingCommitted();
    }

    private static RolloutRequest request(String id, String text, int n, long policyVersion, long rewardVersion) {
        return RolloutRequest.newBuilder().setPromptId(id).setPrompt(Prompt.newBuilder().setText(text)).setN(n)
                .setSampling(SamplingParams.newBuilder().setTemperature(1f).setMaxNewTokens(8))
                .setPolicyVersion(policyVersion).setRewardVersion(rewardVersion).setIteration(5)
                .putAttributes("dataset", "ppo-train")
                .setRequestedAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(1_700_000_000)).build();
    }

    private static void assertRolloutFields(Rollout r, RolloutRequest request, int[] promptIds, ByteTokenizer tokenizer) {
        assertThat(r.getPromptTokenIdsList()).containsExactlyElementsOf(PolicyGrpcTest.boxed(promptIds));
        assertThat(r.getResponseTokenIdsCount()).isBetween(1, 8);
        assertThat(r.getLogProbsCount()).isEqualTo(r.getResponseTokenIdsCount());
        assertThat(r.getLogProbsList()).allSatisfy(lp -> assertThat(lp).isLessThanOrEqualTo(0f));
        assertThat(r.getPolicyVersion()).isEqualTo(1);
        long answerLength = r.getResponseTokenIdsList().stream().filter(id -> id != ByteTokenizer.END_OF_TEXT).count();
        assertThat(r.getReward()).isEqualTo((float) answerLength);
        assertThat(r.getRewardVersion()).isEqualTo(FakeRewardService.NEWEST);
        int last = r.getResponseTokenIds(r.getResponseTokenIdsCount() - 1);
        assertThat(r.getFinishReason()).isEqualTo(last == ByteTokenizer.END_OF_TEXT ? FinishReason.FINISH_REASON_END_OF_TEXT
                : FinishReason.FINISH_REASON_LENGTH);
        assertThat(r.getIteration()).isEqualTo(request.getIteration());
        assertThat(r.getResponseText()).isEqualTo(PromptResponse.answerText(tokenizer,
                r.getResponseTokenIdsList().stream().mapToInt(Integer::intValue).toArray()));
        assertThat(r.getCreatedAt().getSeconds()).isGreaterThan(request.getRequestedAt().getSeconds());
        assertThat(r.getAttributesMap()).isEqualTo(request.getAttributesMap());
        assertThat(r.getGenerationMs()).isPositive();
        assertThat(r.getScoringMs()).isPositive();
    }

    private static void assertDeadLetter(DeadLetter d, byte[] value, String errorClass, String reason) {
        assertThat(d).as(errorClass + " dead letter").isNotNull();
        assertThat(d.getSourceTopic()).isEqualTo(Topic.PROMPTS.topicName());
        assertThat(d.getValue().toByteArray()).isEqualTo(value);
        assertThat(d.getErrorClass()).isEqualTo(errorClass);
        assertThat(d.getReason()).contains(reason);
        assertThat(d.getConsumer()).startsWith("policy-service/rollout-worker-");
        assertThat(d.getFailedAt().getSeconds()).isPositive();
        assertThat(d.getSourceOffset()).isNotNegative();
    }

    /** Reads {@code topic} from the start until {@code count} records match; dead letters are keyed by source topic. */
    private <T> List<T> readUntil(String topic, Parser<T> parser, Predicate<T> wanted, int count) throws Exception {
        List<T> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("reader-" + UUID.randomUUID())) {
            consumer.subscribe(List.of(topic));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (found.size() < count && System.nanoTime() < until) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    T value = parse(parser, r.value());
                    if (value != null && wanted.test(value)) {
                        found.add(value);
                        if (topic.equals(Topic.DEAD_LETTER.topicName())) {
                            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(Topic.PROMPTS.topicName());
                        } else {
                            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(((Rollout) value).getPromptId());
                        }
                    }
                }
            }
            Thread.sleep(300); // nothing more than expected arrives
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                T value = parse(parser, r.value());
                if (value != null && wanted.test(value)) {
                    found.add(value);
                }
            }
        }
        assertThat(found).as(topic).hasSize(count);
        return found;
    }

    private static <T> T parse(Parser<T> parser, byte[] bytes) {
        try {
            return parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    /** The group's committed offsets reach the end of every prompts partition: a new member finds nothing left. */
    private void assertEverythingCommitted() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < Topic.PROMPTS.partitions(); p++) {
                latest.put(new TopicPartition(Topic.PROMPTS.topicName(), p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            boolean committed = false;
            while (!committed && System.nanoTime() < until) {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                committed = ends.entrySet().stream().allMatch(e -> e.getValue().offset() == 0
                        || offsets.get(e.getKey()) != null && offsets.get(e.getKey()).offset() == e.getValue().offset());
                Thread.sleep(100);
            }
            assertThat(committed).as("offsets of group " + groupId + " committed to the end of " + Topic.PROMPTS.topicName())
                    .isTrue();
        }
        try (KafkaConsumer<byte[], byte[]> member = consumer(groupId)) {
            member.subscribe(List.of(Topic.PROMPTS.topicName()));
            int seen = 0;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            while (System.nanoTime() < until) {
                seen += member.poll(Duration.ofMillis(200)).count();
            }
            assertThat(seen).as("records left for a new member of the group").isZero();
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<byte[], byte[]> consumer(String group) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
