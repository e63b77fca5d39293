package rlhf.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import rlhf.cli.Rlhf;
import rlhf.common.v1.ModelKind;
import rlhf.demo.LocalStack;
import rlhf.demo.pipeline.TrainerClient;
import rlhf.demo.taskworld.ChatUsers;
import rlhf.demo.taskworld.DataRecords.Demonstration;
import rlhf.demo.taskworld.Jsonl;
import rlhf.demo.taskworld.TaskWorldData;
import rlhf.model.store.CheckpointStore;
import rlhf.model.v1.ModelVersion;
import rlhf.trainer.v1.Job;
import rlhf.trainer.v1.JobKind;
import rlhf.wire.Topic;

/**
 * A week of the iterated online loop through the real system — a real broker, the four services as processes on
 * their own ports: tiny models are trained through the trainer's admin API (the reward model learns which answer
 * words are better), a week of comparisons whose labelers ranked every answer upside down arrives through the
 * gateway ({@code rlhf import instructgpt --gateway}), and the trainer's {@code ONLINE_ITERATION} snapshots
 * rlhf.comparisons, retrains the reward model on old + new, and its gate refuses the challenger on the frozen
 * regression set: nothing is published, the reward-service keeps serving reward/v1, while PPO over the real rollout
 * workers and the policy gate still run and one policy version is announced and served. The lineage API follows the
 * served policy down to the Kafka offsets of the snapshot it was trained against.
 */
class OnlineIterationIntegrationTest {

    private static final List<String> WORDS = List.of("awful", "bad", "poor", "meh", "okay", "fine", "good", "great",
            "superb", "perfect");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aWeekOfFlippedLabelsIsRefusedByTheRewardModelGateAndTheChampionKeepsServing(@TempDir Path workDir)
            throws Exception {
        Path root = Path.of(System.getProperty("rlhf.repo.root", ".."));
        List<LocalStack.Service> services = new ArrayList<>();
        for (LocalStack.Service s : LocalStack.defaultServices()) {
            services.add(new LocalStack.Service(s.name(), s.module(), PpoIterationIntegrationTest.freePort()));
        }
        try (LocalStack stack = LocalStack.start(root, workDir, 0, services)) {
            writeData(stack.dataDir());
            stack.awaitReady(Duration.ofMinutes(4), line -> { });
            int policyPort = stack.portOf("policy-service").orElseThrow();
            int rewardPort = stack.portOf("reward-service").orElseThrow();
            int trainerPort = stack.portOf("trainer-service").orElseThrow();
            Job online;
            try (TrainerClient trainer = new TrainerClient(trainerPort, stack.trainerAdminToken())) {
                trainer.run(JobKind.JOB_KIND_PRETRAIN, Map.of("layers", "1", "width", "32", "heads", "2", "context",
                        "64", "steps", "20", "batch-size", "4", "eval-windows", "8", "tokenizer", "bytes"),
                        Duration.ofMinutes(2), line -> { });
                trainer.run(JobKind.JOB_KIND_SFT, Map.of("max-steps", "4", "batch-size", "4"), Duration.ofMinutes(2),
                        line -> { });
                trainer.run(JobKind.JOB_KIND_REWARD_MODEL, Map.of("epochs", "5", "lr", "0.002", "warmup-steps", "3",
                        "likelihood-weight", "0"), Duration.ofMinutes(3), line -> { });
                PpoIterationIntegrationTest.awaitReady(policyPort);
                PpoIterationIntegrationTest.awaitReady(rewardPort);

                // The flipped week arrives through the gateway, as any import does.
                Path week = flippedWeek(workDir.resolve("flipped-week.jsonl"), 500);
                String gateway = "http://localhost:" + stack.portOf("feedback-gateway").orElseThrow();
                assertThat(Rlhf.commandLine().execute("import", "instructgpt", week.toString(), "--gateway", gateway,
                        "--api-key", stack.gatewayApiKey())).isZero();

                online = trainer.run(JobKind.JOB_KIND_ONLINE_ITERATION, Map.ofEntries(
                        Map.entry("rm-epochs", "5"), Map.entry("rm-lr", "0.002"), Map.entry("rm.warmup-steps", "3"),
                        Map.entry("rm.likelihood-weight", "0"), Map.entry("ppo-iterations", "1"),
                        Map.entry("ppo.prompts-per-iteration", "4"), Map.entry("ppo.samples-per-prompt", "2"),
                        Map.entry("ppo.epochs", "1"), Map.entry("ppo.minibatch-size", "4"),
                        Map.entry("max-new-tokens", "8"), Map.entry("rollout-timeout-seconds", "120"),
                        Map.entry("policy-gate-prompts", "8"), Map.entry("policy-gate-min-decided", "0")),
                        Duration.ofMinutes(5), line -> { });
            }

            // The reward-model gate refused the challenger: nothing published, the champion serves.
            CheckpointStore store = new CheckpointStore(stack.modelStore());
            assertThat(store.versions("reward")).containsExactly(1);
            assertThat(PpoIterationIntegrationTest.servedRewardVersion(rewardPort)).isEqualTo(1);
            ModelVersion served = online.getPublishedList().get(0);
            assertThat(online.getPublishedList()).hasSize(1);
            assertThat(served.getKind()).isEqualTo(ModelKind.MODEL_KIND_POLICY);
            Map<String, Double> m = served.getMetricsMap();
            assertThat(m).containsEntry("online.week", 1.0).containsEntry("online.rm.promoted", 0.0)
                    .containsEntry("online.snapshot.new", 500.0).containsKeys("online.policy.kl_to_previous",
                            "online.policy.win_rate", "online.policy.promoted", "online.rm.newest.champion.accuracy");
            assertThat(m.get("online.rm.newest.champion.accuracy")).as("the champion disagrees with the flipped week")
                    .isLessThan(0.3);
            JsonNode summary = JSON.readTree(stack.dataDir().resolve("snapshots/week-001/iteration.json").toFile());
            assertThat(summary.get("report").toString()).contains("reward-model gate: kept the champion")
                    .contains("regression set accuracy").contains("reward/v1 stays");

            // PPO ran on the real rollout workers against reward/v1; its candidate was never announced; the version
            // the week announced is the one the policy-service serves.
            long candidate = m.get("online.policy.candidate.version").longValue();
            assertThat(store.checkpoint("policy", (int) candidate).manifest().lineage().parents())
                    .contains("reward/v1");
            List<Long> announced = PpoIterationIntegrationTest.read(stack.bootstrapServers(),
                    Topic.MODEL_VERSIONS.topicName()).stream().map(r -> parse(r.value()))
                    .filter(v -> v.getKind() == ModelKind.MODEL_KIND_POLICY).map(ModelVersion::getVersion).toList();
            assertThat(announced).containsExactly(served.getVersion());
            assertThat(PpoIterationIntegrationTest.awaitServedPolicy(policyPort, served.getVersion()).getVersion())
                    .isEqualTo(served.getVersion());
            String source = m.get("online.policy.promoted") > 0 ? "policy/v" + candidate : "sft/v1";
            assertThat(store.checkpoint("policy", (int) served.getVersion()).manifest().lineage().parents())
                    .containsExactly(source, "reward/v1");

            // The lineage API: from the served policy down to the Kafka offsets of the comparisons of its week.
            HttpResponse<String> lineage = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://localhost:" + trainerPort + "/admin/lineage/policy/" + served.getVersion())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(lineage.statusCode()).isEqualTo(200);
            JsonNode snapshot = JSON.readTree(lineage.body()).get("datasets").get(0).get("snapshot");
            assertThat(snapshot.get("comparisonsTopic").asText()).isEqualTo(Topic.COMPARISONS.topicName());
            long records = 0;
            for (JsonNode range : snapshot.get("comparisons")) {
                records += range.get("to").asLong() - range.get("from").asLong();
            }
            assertThat(records).as("the offset ranges cover the week's records").isEqualTo(500);
        }
    }

    private static ModelVersion parse(byte[] value) {
        try {
            return ModelVersion.parseFrom(value);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The trainer's data: a small corpus and demonstrations, the labelers' comparisons (answer words ranked by their
     * quality, K = 4..6), the frozen regression set (the same rankings), and short PPO prompts of every split.
     */
    private static void writeData(Path data) throws Exception {
        TaskWorldData world = new TaskWorldData(5);
        ChatUsers users = new ChatUsers("user", 5);
        Jsonl.write(data.resolve(TaskWorldData.CORPUS), world.corpus(200));
        Jsonl.write(data.resolve(TaskWorldData.SFT), world.demonstrations(32, users).stream()
                .map(d -> new Demonstration(d.id(), d.userId(), "train", d.category(), d.kind(), d.quality(),
                        d.messages())).toList());
        List<String> comparisons = new ArrayList<>();
        Random random = new Random(3);
        for (int i = 0; i < 200; i++) {
            String split = i % 10 < 7 ? "train" : i % 10 < 9 ? "validation" : "test";
            comparisons.add(JSON.writeValueAsString(ranking("cmp-" + i, "labeler-user-" + i, split, words(random),
                    false)));
        }
        Files.write(data.resolve(TaskWorldData.COMPARISONS), comparisons);
        Files.write(data.resolve(TaskWorldData.REGRESSION), comparisons);
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String split = i % 4 == 0 ? "test" : i % 4 == 1 ? "validation" : "train";
            prompts.add(JSON.writeValueAsString(Map.of("id", "ppo-" + i, "user_id", "ppo-user-" + i, "split", split,
                    "prompt", "Rate answer " + i + ".")));
        }
        Files.write(data.resolve(TaskWorldData.PPO_PROMPTS), prompts);
    }

    /** An InstructGPT-style file of rankings with the ranks reversed: the worst word ranked first. */
    private static Path flippedWeek(Path file, int n) throws Exception {
        Random random = new Random(4);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Integer> picked = words(random);
            List<String> completions = picked.stream().map(w -> WORDS.get(w) + ".").toList();
            List<Integer> ranks = picked.stream().map(w -> 1 + w / 2).toList(); // rank 1 = the worst quality
            lines.add(JSON.writeValueAsString(Map.of("prompt", "Rate answer " + i % 5 + ".", "completions",
                    completions, "ranks", ranks)));
        }
        return Files.write(file, lines);
    }

    /** 4..6 distinct words of at least two qualities (quality = index / 2). */
    private static List<Integer> words(Random random) {
        while (true) {
            List<Integer> all = new ArrayList<>();
            for (int w = 0; w < WORDS.size(); w++) {
                all.add(w);
            }
            Collections.shuffle(all, random);
            List<Integer> picked = all.subList(0, 4 + random.nextInt(3));
            if (picked.stream().map(w -> w / 2).distinct().count() >= 2) {
                return List.copyOf(picked);
            }
        }
    }

    /** One ranking line in the reward model's format, best quality first (or worst first when flipped). */
    private static Map<String, Object> ranking(String id, String user, String split, List<Integer> words,
            boolean flip) {
        List<Map<String, Object>> answers = new ArrayList<>();
        for (int w : words) {
            answers.add(Map.of("text", WORDS.get(w) + "."));
        }
        List<List<Integer>> tiers = new ArrayList<>();
        for (int quality = 4; quality >= 0; quality--) {
            List<Integer> tier = new ArrayList<>();
            for (int i = 0; i < words.size(); i++) {
                if (words.get(i) / 2 == quality) {
                    tier.add(i);
                }
            }
            if (!tier.isEmpty()) {
                tiers.add(tier);
            }
        }
        if (flip) {
            Collections.reverse(tiers);
        }
        return Map.of("id", id, "user_id", user, "split", split, "prompt", "Rate answer " + id.hashCode() % 5 + ".",
                "answers", answers, "ranking", tiers, "labeler_id", "labeler-1", "source", "labeling");
    }
}
