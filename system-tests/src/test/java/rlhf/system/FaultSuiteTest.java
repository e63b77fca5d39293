package rlhf.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import rlhf.common.v1.ModelKind;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.SamplingParams;
import rlhf.demo.LocalStack;
import rlhf.demo.pipeline.TrainerClient;
import rlhf.model.store.CheckpointStore;
import rlhf.model.v1.ModelVersion;
import rlhf.policy.v1.GenerateRequest;
import rlhf.policy.v1.PolicyServiceGrpc;
import rlhf.policy.v1.Rollout;
import rlhf.reward.v1.PromptAnswer;
import rlhf.reward.v1.RewardServiceGrpc;
import rlhf.reward.v1.ScoreRequest;
import rlhf.reward.v1.TextPair;
import rlhf.trainer.v1.Job;
import rlhf.trainer.v1.JobKind;
import rlhf.trainer.v1.JobState;
import rlhf.wire.Topic;

/**
 * The fault suite on real processes over loopback: one stack (a real KRaft broker, the policy, reward and trainer
 * services as their own JVMs) with tiny models, and four faults injected while PPO's actor–learner loop runs over Kafka:
 * a hot swap of both models under concurrent Generate / Score load, an orderly broker restart during PPO, a
 * policy-service replica killed (SIGKILL) while the rollout workers run, and the trainer killed (SIGKILL) in the middle
 * of an iteration. Each fault checks what the system promises — no failed call, no rollout lost or learned twice, each
 * version published and announced once — and writes a row of the fault table (what was injected, what was lost, time
 * to recover) to {@code target/fault-table.md}; {@link GatewayFaultTest} adds the ingest row. The CI size is 3 PPO
 * iterations per fault; {@code -Drlhf.faults.iterations=N} runs longer ones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteTest {

    private static final int PROMPTS = PpoIterationIntegrationTest.PROMPTS_PER_ITERATION;
    private static final int SAMPLES = PpoIterationIntegrationTest.SAMPLES_PER_PROMPT;
    private static final int ROLLOUTS = PROMPTS * SAMPLES;
    private static final int ITERATIONS = Integer.getInteger("rlhf.faults.iterations", 3);

    private Path work;
    private LocalStack stack;
    private CheckpointStore store;
    private int policyPort;
    private int rewardPort;
    private int trainerPort;

    @BeforeAll
    void startStackWithTinyModels() throws Exception {
        work = Files.createTempDirectory("fault-suite");
        Path root = Path.of(System.getProperty("rlhf.repo.root", ".."));
        List<LocalStack.Service> services = List.of(
                new LocalStack.Service("policy-service", "policy-service", PpoIterationIntegrationTest.freePort()),
                new LocalStack.Service("reward-service", "reward-service", PpoIterationIntegrationTest.freePort()),
                new LocalStack.Service("trainer-service", "trainer-service", PpoIterationIntegrationTest.freePort()));
        // A killed replica's prompt partitions move on after 8 s instead of Kafka's default 45.
        stack = LocalStack.start(root, work, PpoIterationIntegrationTest.freePort(), services,
                Map.of("policy-service", List.of("-Drlhf.policy.rollout.session-timeout=8s")));
        PpoIterationIntegrationTest.writeTaskWorld(stack.dataDir());
        stack.awaitReady(Duration.ofMinutes(3), line -> { });
        policyPort = stack.portOf("policy-service").orElseThrow();
        rewardPort = stack.portOf("reward-service").orElseThrow();
        trainerPort = stack.portOf("trainer-service").orElseThrow();
        store = new CheckpointStore(stack.modelStore());
        try (TrainerClient trainer = trainer()) {
            PpoIterationIntegrationTest.makeTinyModels(trainer);
        }
        PpoIterationIntegrationTest.awaitReady(policyPort);
        PpoIterationIntegrationTest.awaitReady(rewardPort);
        FaultTable.reset(FaultSuiteTest.class);
    }

    @AfterAll
    void stopStack() throws java.io.IOException {
        if (stack != null) {
            stack.close();
        }
        System.out.println(FaultTable.text());
        try (java.util.stream.Stream<Path> files = Files.walk(work)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void hotSwapsOfBothModelsUnderConcurrentGenerateAndScoreLoadFailNoCall() throws Exception {
        String policyBefore = id(PpoIterationIntegrationTest.servedPolicy(policyPort));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger calls = new AtomicInteger();
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        Set<String> served = ConcurrentHashMap.newKeySet();
        ExecutorService load = Executors.newFixedThreadPool(4);
        ManagedChannel policy = channel(policyPort);
        ManagedChannel reward = channel(rewardPort);
        for (int t = 0; t < 2; t++) {
            int seed = t;
            load.submit(() -> loop(running, calls, failures, () -> id(PolicyServiceGrpc.newBlockingStub(policy)
                    .withDeadlineAfter(30, TimeUnit.SECONDS).generate(GenerateRequest.newBuilder()
                            .setPrompt(Prompt.newBuilder().setText("Name 3 colors."))
                            .setSampling(SamplingParams.newBuilder().setMaxNewTokens(8).setTemperature(1).setSeed(seed))
                            .setN(1).build()).getModel()), served));
            load.submit(() -> loop(running, calls, failures, () -> "reward/v" + RewardServiceGrpc.newBlockingStub(reward)
                    .withDeadlineAfter(30, TimeUnit.SECONDS).score(ScoreRequest.newBuilder().setItem(PromptAnswer
                            .newBuilder().setText(TextPair.newBuilder().setPrompt(Prompt.newBuilder()
                                    .setText("Name 3 colors.")).setAnswer("red, blue, gold."))).build())
                    .getRewardVersion(), served));
        }
        long rewardBefore = PpoIterationIntegrationTest.servedRewardVersion(rewardPort);
        long start = System.nanoTime();
        try (TrainerClient trainer = trainer()) {
            trainer.run(JobKind.JOB_KIND_PPO, ppo(1), Duration.ofMinutes(3), line -> { });
            assertThat(PpoIterationIntegrationTest.awaitServedPolicy(policyPort, newestPolicy()).getVersion())
                    .isEqualTo(newestPolicy());
            trainer.run(JobKind.JOB_KIND_REWARD_MODEL, Map.of("max-steps", "4", "prompts-per-batch", "2"),
                    Duration.ofMinutes(2), line -> { });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!served.contains("reward/v" + (rewardBefore + 1)) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        Thread.sleep(2_000); // calls on the new versions too
        running.set(false);
        load.shutdown();
        assertThat(load.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        policy.shutdownNow();
        reward.shutdownNow();
        double seconds = (System.nanoTime() - start) / 1e9;
        FaultTable.row(FaultSuiteTest.class, "hot swap under load", String.format(Locale.ROOT,
                "%s→policy/v%d and reward/v%d→v%d published while 2 Generate + 2 Score clients called without pause",
                policyBefore, newestPolicy(), rewardBefore, rewardBefore + 1),
                String.format(Locale.ROOT, "%d failed of %,d calls", failures.values().stream().mapToInt(i -> i).sum(),
                        calls.get()), String.format(Locale.ROOT, "0 s (no call failed; %.0f s of load)", seconds),
                "versions answered: " + new java.util.TreeSet<>(served));
        assertThat(failures).as("no call fails during the swaps").isEmpty();
        assertThat(served).as("both versions of both services answered calls").contains(
                policyBefore, "policy/v" + newestPolicy(),
                "reward/v" + rewardBefore, "reward/v" + (rewardBefore + 1));
    }

    @Test
    @Order(2)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aBrokerRestartDuringPpoLosesNoRolloutAndCountsNoneTwice() throws Exception {
        Faulted f = ppoWithFault(() -> stack.restartBroker(Duration.ofSeconds(3)));
        long first = f.first;
        Versions v = f.versions;
        int newDeadLetters = f.deadLetters;
        double recovered = f.recovered;
        FaultTable.row(FaultSuiteTest.class, "broker restarted during PPO", String.format(Locale.ROOT,
                "orderly broker stop after policy v%d, 3 s down, start on the same port and data (iteration %d of %d "
                        + "running)", first + 1, 2, ITERATIONS),
                String.format(Locale.ROOT, "0 rollouts lost (%d iterations × %d rollouts learned, each once; %d "
                        + "duplicates dropped; %d dead letters)", ITERATIONS, ROLLOUTS, v.duplicates, newDeadLetters),
                String.format(Locale.ROOT, "%.1f s to the next version", recovered), v.summary);
        assertThat(newDeadLetters).isZero();
    }

    @Test
    @Order(3)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aPolicyReplicaKilledWhileRolloutWorkersRunLeavesTheIterationToTheSurvivor() throws Exception {
        LocalStack.Service replica = new LocalStack.Service("policy-service-2", "policy-service",
                PpoIterationIntegrationTest.freePort());
        stack.addReplica(replica);
        stack.awaitReady(Duration.ofMinutes(2), line -> { });
        PpoIterationIntegrationTest.awaitReady(replica.port());
        Faulted f = ppoWithFault(() -> stack.kill(replica.name()));
        long first = f.first;
        Versions v = f.versions;
        int newDeadLetters = f.deadLetters;
        double recovered = f.recovered;
        FaultTable.row(FaultSuiteTest.class, "policy replica killed during rollouts", String.format(Locale.ROOT,
                "SIGKILL of the second policy-service replica after policy v%d (rollout group of 2 replicas, session "
                        + "timeout 8 s)", first + 1),
                String.format(Locale.ROOT, "0 rollouts lost (%d × %d learned, each once; %d duplicates dropped; %d dead "
                        + "letters)", ITERATIONS, ROLLOUTS, v.duplicates, newDeadLetters),
                String.format(Locale.ROOT, "%.1f s to the next version", recovered),
                v.summary);
        assertThat(newDeadLetters).isZero();
    }

    @Test
    @Order(4)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void theTrainerKilledMidIterationResumesFromTheLastPublishedVersionAndPublishesEachVersionOnce() throws Exception {
        long first = newestPolicy();
        Job job;
        double recovered;
        long uncommitted;
        try (TrainerClient trainer = trainer(); Offsets offsets = new Offsets(stack.bootstrapServers())) {
            long requestsBefore = offsets.end(Topic.PROMPTS);
            job = trainer.start(JobKind.JOB_KIND_PPO, ppo(ITERATIONS));
            awaitPolicy(first + 1, Duration.ofMinutes(2));
            // Kill it once the next iteration's requests are on rlhf.prompts: the workers answer them while it is dead.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (offsets.end(Topic.PROMPTS) < requestsBefore + 2L * PROMPTS) {
                assertThat(System.nanoTime()).as("iteration 2's requests").isLessThan(deadline);
                Thread.sleep(20);
            }
        }
        long down = System.nanoTime();
        stack.kill("trainer-service");
        long answered = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        do {
            assertThat(System.nanoTime()).as("the dead trainer's requests answered").isLessThan(answered);
            Thread.sleep(200);
            uncommitted = uncommittedRollouts();
        } while (uncommitted < ROLLOUTS);
        stack.restart("trainer-service");
        stack.awaitReady(Duration.ofMinutes(2), line -> { });
        Job resumed;
        try (TrainerClient trainer = trainer()) {
            // The restarted trainer resumes the interrupted job on its own: nobody asks it to.
            long listed = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<Job> jobs = trainer.list();
            while (jobs.isEmpty() && System.nanoTime() < listed) {
                Thread.sleep(250);
                jobs = trainer.list();
            }
            assertThat(jobs).as("the restarted trainer resumed the PPO job").singleElement()
                    .satisfies(j -> assertThat(j.getKind()).isEqualTo(JobKind.JOB_KIND_PPO));
            awaitPolicy(first + 2, Duration.ofMinutes(3));
            recovered = (System.nanoTime() - down) / 1e9;
            resumed = awaitEnd(trainer, jobs.get(0).getJobId(), Duration.ofMinutes(4));
        }
        assertThat(resumed.getState()).as(resumed.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        Versions v = checkVersions(first, ITERATIONS);
        String journal = Files.readString(stack.dataDir().resolve("jobs").resolve(job.getJobId() + ".json"));
        assertThat(journal).contains("resumed as " + resumed.getJobId());
        FaultTable.row(FaultSuiteTest.class, "trainer killed mid-iteration", String.format(Locale.ROOT,
                "SIGKILL of trainer-service once iteration 2 of %d had sent its requests (after policy v%d), restart "
                        + "when the workers had answered them",
                ITERATIONS, first + 1),
                String.format(Locale.ROOT, "0 rollouts lost (the %d rollouts answering the dead trainer's requests, "
                        + "uncommitted, learned by the resumed job without asking again; %d × %d learned, each once); "
                        + "each version published and announced once", uncommitted, ITERATIONS, ROLLOUTS),
                String.format(Locale.ROOT, "%.1f s to the next version (JVM start included)", recovered),
                v.summary + "; resumed as " + resumed.getJobId() + " with "
                        + resumed.getParametersOrDefault("iterations", "?") + " iterations left");
        assertThat(v.records).as("no request sent twice: the resumed job used the backlog").isEqualTo(ITERATIONS * ROLLOUTS);
        assertThat(PpoIterationIntegrationTest.awaitServedPolicy(policyPort, first + ITERATIONS).getVersion())
                .isEqualTo(first + ITERATIONS);
    }

    /** A fault injected in a live stack. */
    private interface Fault {
        void inject() throws Exception;
    }

    /** A PPO run with a fault: its first version, what its versions show, new dead letters, seconds to recover. */
    private record Faulted(long first, Versions versions, int deadLetters, double recovered) {
    }

    /**
     * Runs a PPO job of {@link #ITERATIONS} iterations, injects the fault once its first version is published, and checks
     * that the job succeeds with every version whole; recovery is the time from the fault to the next version.
     */
    private Faulted ppoWithFault(Fault fault) throws Exception {
        long first = newestPolicy();
        int deadLetters = deadLetters();
        Job job;
        double recovered;
        try (TrainerClient trainer = trainer()) {
            job = trainer.start(JobKind.JOB_KIND_PPO, ppo(ITERATIONS));
            awaitPolicy(first + 1, Duration.ofMinutes(2));
            long down = System.nanoTime();
            fault.inject();
            awaitPolicy(first + 2, Duration.ofMinutes(3));
            recovered = (System.nanoTime() - down) / 1e9;
            job = awaitEnd(trainer, job.getJobId(), Duration.ofMinutes(4));
        }
        assertThat(job.getState()).as(job.getError()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        return new Faulted(first, checkVersions(first, ITERATIONS), deadLetters() - deadLetters, recovered);
    }

    /** What the versions of one faulted PPO run show. */
    private record Versions(int duplicates, int records, String summary) {
    }

    /**
     * The run that started at {@code first} published exactly {@code iterations} versions, contiguous, each learned from
     * a full iteration of distinct rollouts, each announced once; the trainer's committed offsets cover the rollouts
     * topic.
     */
    private Versions checkVersions(long first, int iterations) throws Exception {
        assertThat(store.versions("policy")).as("one version per iteration, none twice, none skipped")
                .endsWith(java.util.stream.IntStream.rangeClosed((int) first + 1, (int) first + iterations).boxed()
                        .toArray(Integer[]::new))
                .doesNotContain((int) first + iterations + 1);
        int duplicates = 0;
        for (long version = first + 1; version <= first + iterations; version++) {
            Map<String, Double> m = store.checkpoint("policy", (int) version).manifest().lineage().metrics();
            assertThat(m.get("ppo.rollouts")).as("policy v" + version + " learned from a full iteration")
                    .isEqualTo((double) ROLLOUTS);
            duplicates += m.getOrDefault("ppo.duplicate.rollouts", 0.0).intValue();
        }
        Map<Long, Integer> announcements = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : PpoIterationIntegrationTest.read(stack.bootstrapServers(),
                Topic.MODEL_VERSIONS.topicName())) {
            ModelVersion mv = ModelVersion.parseFrom(r.value());
            if (mv.getKind() == ModelKind.MODEL_KIND_POLICY) {
                announcements.merge(mv.getVersion(), 1, Integer::sum);
            }
        }
        for (long version = first + 1; version <= first + iterations; version++) {
            assertThat(announcements.get(version)).as("announcements of policy v" + version).isEqualTo(1);
        }
        assertThat(PpoIterationIntegrationTest.committedRollouts(stack.bootstrapServers()))
                .as("the trainer's committed offsets cover every rollout")
                .isEqualTo(PpoIterationIntegrationTest.endOffsets(stack.bootstrapServers()));
        Set<String> keys = new HashSet<>();
        int records = 0;
        for (ConsumerRecord<String, byte[]> r : PpoIterationIntegrationTest.read(stack.bootstrapServers(),
                Topic.ROLLOUTS.topicName())) {
            Rollout rollout = Rollout.parseFrom(r.value());
            if (rollout.getIteration() >= first && rollout.getIteration() < first + iterations) {
                records++;
                keys.add(rollout.getIteration() + "/" + rollout.getPromptId() + "/" + rollout.getSampleIndex());
            }
        }
        assertThat(keys.size()).as("distinct rollouts for the run's iterations").isGreaterThanOrEqualTo(iterations * ROLLOUTS);
        return new Versions(duplicates, records, String.format(Locale.ROOT, "policy v%d..v%d; %d rollout records (%d distinct) "
                + "on the topic for them", first + 1, first + iterations, records, keys.size()));
    }

    private long uncommittedRollouts() throws Exception {
        Map<Integer, Long> committed = PpoIterationIntegrationTest.committedRollouts(stack.bootstrapServers());
        return PpoIterationIntegrationTest.endOffsets(stack.bootstrapServers()).entrySet().stream()
                .mapToLong(e -> e.getValue() - committed.getOrDefault(e.getKey(), 0L)).sum();
    }

    /** End offsets of topics, read fast by one consumer that stays open. */
    private static final class Offsets implements AutoCloseable {
        private final org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer;

        Offsets(String bootstrap) {
            consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        }

        long end(Topic topic) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic.topicName()).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    private int deadLetters() {
        return PpoIterationIntegrationTest.read(stack.bootstrapServers(), Topic.DEAD_LETTER.topicName()).size();
    }

    private Map<String, String> ppo(int iterations) {
        return Map.of("iterations", Integer.toString(iterations), "prompts-per-iteration", Integer.toString(PROMPTS),
                "samples-per-prompt", Integer.toString(SAMPLES),
                "max-new-tokens", Integer.toString(PpoIterationIntegrationTest.MAX_NEW_TOKENS), "epochs", "1",
                "minibatch-size", "4", "rollout-timeout-seconds", "120");
    }

    private long newestPolicy() {
        return store.latest("policy").map(c -> (long) c.version()).orElse(0L);
    }

    private void awaitPolicy(long version, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (newestPolicy() < version) {
            assertThat(System.nanoTime()).as("policy v" + version + " published within " + timeout).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static Job awaitEnd(TrainerClient trainer, String id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Job job = trainer.get(id);
        while (!TrainerClient.ended(job.getState())) {
            assertThat(System.nanoTime()).as(id + " ended within " + timeout).isLessThan(deadline);
            Thread.sleep(500);
            job = trainer.get(id);
        }
        return job;
    }

    private TrainerClient trainer() {
        return new TrainerClient(trainerPort, stack.trainerAdminToken());
    }

    /** {@code sft/v1}, {@code policy/v3}: a served model as the store names it. */
    private static String id(rlhf.common.v1.ModelRef model) {
        return model.getKind().name().substring("MODEL_KIND_".length()).toLowerCase(Locale.ROOT) + "/v"
                + model.getVersion();
    }

    private static ManagedChannel channel(int port) {
        return ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
    }

    private static Void loop(AtomicBoolean running, AtomicInteger calls, Map<String, Integer> failures,
            Supplier<String> call, Set<String> served) {
        while (running.get()) {
            try {
                served.add(call.get());
            } catch (StatusRuntimeException e) {
                failures.merge(e.getStatus().getCode() + ": " + e.getStatus().getDescription(), 1, Integer::sum);
            }
            calls.incrementAndGet();
        }
        return null;
    }
}
