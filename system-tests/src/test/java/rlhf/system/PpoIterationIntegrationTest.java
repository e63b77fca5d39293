package rlhf.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import rlhf.common.v1.ModelKind;
import rlhf.common.v1.ModelRef;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.SamplingParams;
import rlhf.demo.LocalStack;
import rlhf.demo.pipeline.TrainerClient;
import rlhf.demo.soak.TinyModels;
import rlhf.demo.taskworld.DataRecords.ComparisonRecord;
import rlhf.demo.taskworld.DataRecords.PromptRecord;
import rlhf.demo.taskworld.Jsonl;
import rlhf.demo.taskworld.TaskWorldData;
import rlhf.model.store.Checkpoint;
import rlhf.model.store.CheckpointStore;
import rlhf.model.tokenizer.ByteTokenizer;
import rlhf.model.tokenizer.PromptResponse;
import rlhf.model.v1.ModelVersion;
import rlhf.policy.v1.GenerateRequest;
import rlhf.policy.v1.GenerateResponse;
import rlhf.policy.v1.ListModelsRequest;
import rlhf.policy.v1.PolicyServiceGrpc;
import rlhf.policy.v1.Rollout;
import rlhf.reward.v1.PromptAnswer;
import rlhf.reward.v1.RewardServiceGrpc;
import rlhf.reward.v1.ScoreRequest;
import rlhf.reward.v1.TextPair;
import rlhf.trainer.v1.Job;
import rlhf.trainer.v1.JobKind;
import rlhf.wire.Topic;

/**
 * One whole PPO iteration through the real system: a real broker, and the policy, reward and trainer services as
 * separate processes on their own gRPC ports. Tiny models are made through the trainer's admin API (pretrain → SFT →
 * reward model on task-world data), then a PPO job of one iteration runs its actor–learner loop over Kafka with the
 * policy-service's rollout workers generating and the reward-service scoring, and the policy-service hot-swaps to the
 * version it published.
 */
class PpoIterationIntegrationTest {

    private static final long SEED = 5;
    private static final int CONTEXT = 64;
    static final int PROMPTS_PER_ITERATION = 4;
    static final int SAMPLES_PER_PROMPT = 2;
    static final int MAX_NEW_TOKENS = 8;
    private static final String TRAINER_GROUP = "trainer-ppo"; // rlhf.trainer.ppo-group-id's default

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void onePpoIterationRunsOnTheRealRolloutWorkersAndRewardServiceAndThePolicyServiceHotSwapsToIt(
            @TempDir Path workDir) throws Exception {
        Path root = Path.of(System.getProperty("rlhf.repo.root", ".."));
        List<LocalStack.Service> services = List.of(
                new LocalStack.Service("policy-service", "policy-service", freePort()),
                new LocalStack.Service("reward-service", "reward-service", freePort()),
                new LocalStack.Service("trainer-service", "trainer-service", freePort()));
        try (LocalStack stack = LocalStack.start(root, workDir, 0, services)) {
            Set<String> fittingPromptIds = writeTaskWorld(stack.dataDir());
            stack.awaitReady(Duration.ofMinutes(3), line -> { });
            int policyPort = stack.portOf("policy-service").orElseThrow();
            int rewardPort = stack.portOf("reward-service").orElseThrow();

            Job ppo;
            try (TrainerClient trainer = new TrainerClient(stack.portOf("trainer-service").orElseThrow(), stack.trainerAdminToken())) {
                makeTinyModels(trainer);
                // Both model services pick their first models up from rlhf.model-versions.
                awaitReady(policyPort);
                awaitReady(rewardPort);
                ppo = trainer.run(JobKind.JOB_KIND_PPO, Map.of("iterations", "1",
                        "prompts-per-iteration", Integer.toString(PROMPTS_PER_ITERATION),
                        "samples-per-prompt", Integer.toString(SAMPLES_PER_PROMPT),
                        "max-new-tokens", Integer.toString(MAX_NEW_TOKENS), "epochs", "1", "minibatch-size", "4",
                        "rollout-timeout-seconds", "120"), Duration.ofMinutes(3), line -> { });
            }

            // The job published policy/v2 (v1 is the copy of SFT it started from) with its lineage and metrics.
            assertThat(ppo.getPublishedList()).singleElement().satisfies(v -> {
                assertThat(v.getKind()).isEqualTo(ModelKind.MODEL_KIND_POLICY);
                assertThat(v.getVersion()).isEqualTo(2);
            });
            CheckpointStore store = new CheckpointStore(stack.modelStore());
            assertThat(store.versions("policy")).containsExactly(1, 2);
            assertThat(store.checkpoint("policy", 1).manifest().lineage().parents()).containsExactly("sft/v1");
            Checkpoint v2 = store.checkpoint("policy", 2);
            assertThat(v2.manifest().lineage().parents()).containsExactly("policy/v1", "sft/v1", "reward/v1");
            assertThat(v2.manifest().lineage().datasets()).anyMatch(d -> d.contains(TaskWorldData.PPO_PROMPTS));
            assertThat(v2.manifest().lineage().metrics()).containsKeys("ppo.kl", "ppo.reward.mean", "ppo.clip.fraction")
                    .containsEntry("ppo.rollouts", (double) PROMPTS_PER_ITERATION * SAMPLES_PER_PROMPT);

            // Both policy versions were announced, v2 with the sha256 of its weights and its parents.
            List<ModelVersion> announced = read(stack.bootstrapServers(), Topic.MODEL_VERSIONS.topicName()).stream()
                    .map(r -> parse(() -> ModelVersion.parseFrom(r.value())))
                    .filter(v -> v.getKind() == ModelKind.MODEL_KIND_POLICY).toList();
            assertThat(announced).extracting(ModelVersion::getVersion).containsExactly(1L, 2L);
            assertThat(announced.get(1).getSha256())
                    .isEqualTo(v2.manifest().files().get(CheckpointStore.WEIGHTS).sha256());
            assertThat(announced.get(1).getParentsList()).containsExactly(ref(ModelKind.MODEL_KIND_POLICY, 1),
                    ref(ModelKind.MODEL_KIND_SFT, 1), ref(ModelKind.MODEL_KIND_REWARD, 1));

            // The rollouts the workers published: one per sample, sampled by policy v1, scored by the served reward
            // model, for prompts that fit the context (the too long ones were never requested: no dead letters).
            long servedRewardVersion = servedRewardVersion(rewardPort);
            assertThat(servedRewardVersion).isEqualTo(1);
            List<ConsumerRecord<String, byte[]>> records = read(stack.bootstrapServers(), Topic.ROLLOUTS.topicName());
            assertThat(records).hasSize(PROMPTS_PER_ITERATION * SAMPLES_PER_PROMPT);
            Map<String, Set<Integer>> samplesByPrompt = new HashMap<>();
            for (ConsumerRecord<String, byte[]> record : records) {
                Rollout r = parse(() -> Rollout.parseFrom(record.value()));
                assertThat(record.key()).isEqualTo(r.getPromptId());
                assertThat(fittingPromptIds).contains(r.getPromptId());
                assertThat(r.getPolicyVersion()).isEqualTo(1);
                assertThat(r.getIteration()).isEqualTo(1);
                assertThat(r.getRewardVersion()).isEqualTo(servedRewardVersion);
                assertThat(Float.isFinite(r.getReward())).isTrue();
                assertThat(r.getPromptTokenIdsList()).isNotEmpty();
                assertThat(r.getResponseTokenIdsList()).isNotEmpty().hasSizeLessThanOrEqualTo(MAX_NEW_TOKENS);
                assertThat(r.getLogProbsList()).hasSameSizeAs(r.getResponseTokenIdsList())
                        .allSatisfy(lp -> assertThat(lp).isFinite().isLessThanOrEqualTo(0f));
                samplesByPrompt.computeIfAbsent(r.getPromptId(), k -> new HashSet<>()).add(r.getSampleIndex());
            }
            assertThat(samplesByPrompt).hasSize(PROMPTS_PER_ITERATION)
                    .allSatisfy((id, samples) -> assertThat(samples).containsExactlyInAnyOrder(0, 1));
            assertThat(read(stack.bootstrapServers(), Topic.DEAD_LETTER.topicName())).isEmpty();

            // The trainer committed offsets that cover every rollout (after announcing the version it trained).
            assertThat(committedRollouts(stack.bootstrapServers())).isEqualTo(endOffsets(stack.bootstrapServers()));

            // Hot swap: the policy-service now serves policy/v2 to unversioned calls.
            assertThat(awaitServedPolicy(policyPort, 2)).isEqualTo(ref(ModelKind.MODEL_KIND_POLICY, 2));
            assertThat(generate(policyPort).getModel()).isEqualTo(ref(ModelKind.MODEL_KIND_POLICY, 2));
        }
    }

    /** base/v1, sft/v1 and reward/v1: tiny models (1 layer, width 32, byte tokens) made through the trainer's API. */
    static void makeTinyModels(TrainerClient trainer) throws InterruptedException {
        TinyModels.train(trainer, CONTEXT, Duration.ofMinutes(2)); // writeTaskWorld measures prompts in bytes
    }

    /**
     * Small task-world data sets in the trainer's data dir, every record in the train split. Most PPO prompts are
     * few-shot ones too long to leave room for the answer in the context: the trainer must not ask for them (the rollout
     * workers would dead-letter them, and the iteration would wait its whole rollout timeout for answers).
     *
     * @return ids of the PPO prompts that fit
     */
    static Set<String> writeTaskWorld(Path data) {
        List<ComparisonRecord> comparisons = TinyModels.writeCorpusDemonstrationsAndComparisons(data, SEED,
                "labeler-test");
        assertThat(comparisons).hasSizeGreaterThan(24 / 2);
        ByteTokenizer tokenizer = new ByteTokenizer(); // the tokenizer the pretrain job is asked for
        List<PromptRecord> ppo = new ArrayList<>();
        Set<String> fitting = new HashSet<>();
        for (PromptRecord p : TinyModels.ppoPrompts(SEED)) {
            boolean fits = PromptResponse.promptIds(tokenizer, p.prompt()).length + MAX_NEW_TOKENS <= CONTEXT;
            if (!fits) {
                ppo.add(p);
            } else if (fitting.size() < PROMPTS_PER_ITERATION + 2) {
                ppo.add(p);
                fitting.add(p.id());
            }
        }
        Jsonl.write(data.resolve(TaskWorldData.PPO_PROMPTS), ppo);
        assertThat(ppo.size() - fitting.size()).isGreaterThan(fitting.size());
        return fitting;
    }

    /** Every record of a topic, from the beginning to its current end. */
    static List<ConsumerRecord<String, byte[]>> read(String bootstrap, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("reading " + topic).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** The trainer group's committed offsets on rlhf.rollouts, per partition (0 where it committed none). */
    static Map<Integer, Long> committedRollouts(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(TRAINER_GROUP)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<Integer, Long> out = new HashMap<>();
            endOffsets(bootstrap).keySet().forEach(p -> out.put(p, 0L));
            committed.forEach((tp, o) -> {
                if (tp.topic().equals(Topic.ROLLOUTS.topicName()) && o != null) {
                    out.put(tp.partition(), o.offset());
                }
            });
            return out;
        }
    }

    /** The end offsets of rlhf.rollouts, per partition. */
    static Map<Integer, Long> endOffsets(String bootstrap) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringDeserializer(), new ByteArrayDeserializer())) {
            String topic = Topic.ROLLOUTS.topicName();
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<Integer, Long> out = new HashMap<>();
            consumer.endOffsets(partitions, Duration.ofSeconds(10)).forEach((tp, end) -> out.put(tp.partition(), end));
            return out;
        }
    }

    static long servedRewardVersion(int port) {
        return call(port, channel -> RewardServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .score(ScoreRequest.newBuilder().setItem(PromptAnswer.newBuilder().setText(TextPair.newBuilder()
                        .setPrompt(Prompt.newBuilder().setText("Name 3 colors.")).setAnswer("red, blue, gold.")))
                        .build())
                .getRewardVersion());
    }

    /** What the policy-service serves to unversioned calls now. */
    static ModelRef servedPolicy(int port) {
        return call(port, channel -> PolicyServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .listModels(ListModelsRequest.getDefaultInstance()).getServing());
    }

    /** Waits until the policy-service serves {@code policy/v<version>} to unversioned calls; returns what it serves. */
    static ModelRef awaitServedPolicy(int port, long version) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        ModelRef serving = null;
        while (System.nanoTime() < deadline) {
            serving = servedPolicy(port);
            if (serving.getKind() == ModelKind.MODEL_KIND_POLICY && serving.getVersion() == version) {
                return serving;
            }
            Thread.sleep(250);
        }
        return serving;
    }

    private static GenerateResponse generate(int port) {
        return call(port, channel -> PolicyServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .generate(GenerateRequest.newBuilder().setPrompt(Prompt.newBuilder().setText("Hi there!"))
                        .setSampling(SamplingParams.newBuilder().setMaxNewTokens(MAX_NEW_TOKENS).setSeed(1)).setN(1)
                        .build()));
    }

    /** Waits (up to a minute) until a service's readiness check passes. */
    static void awaitReady(int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        HttpResponse<String> response = http.send(ready, HttpResponse.BodyHandlers.ofString());
        while (response.statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(250);
            response = http.send(ready, HttpResponse.BodyHandlers.ofString());
        }
        assertThat(response.statusCode()).as("readiness of port " + port + ": " + response.body()).isEqualTo(200);
    }

    static ModelRef ref(ModelKind kind, long version) {
        return ModelRef.newBuilder().setKind(kind).setVersion(version).build();
    }

    private interface Call<T> {
        T on(ManagedChannel channel);
    }

    private static <T> T call(int port, Call<T> call) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        try {
            return call.on(channel);
        } finally {
            channel.shutdownNow();
        }
    }

    private interface Parse<T> {
        T parse() throws com.google.protobuf.InvalidProtocolBufferException;
    }

    private static <T> T parse(Parse<T> parse) {
        try {
            return parse.parse();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("not a valid payload", e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
