package rlhf.trainer.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rlhf.kafka.KafkaBrokers;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.Manifest;
import rlhf.model.v1.ModelVersion;
import rlhf.trainer.jobs.JobCancelledException;
import rlhf.trainer.jobs.JobFactory;
import rlhf.trainer.jobs.JobKind;
import rlhf.trainer.jobs.JobMonitor;
import rlhf.trainer.jobs.JobResult;
import rlhf.trainer.jobs.RecordingMonitor;
import rlhf.trainer.jobs.StepProgress;
import rlhf.trainer.jobs.TestData;
import rlhf.trainer.jobs.TrainingJob;
import rlhf.trainer.jobs.ppo.PpoConnections;
import rlhf.trainer.jobs.ppo.RolloutExchange;
import rlhf.trainer.jobs.ppo.RolloutRequestSpec;
import rlhf.trainer.ppo.RolloutSample;
import rlhf.wire.ModelStoreLayout;

/**
 * Whole PPO iterations through the real test broker: the test plays the rollout worker ({@link TestRolloutWorker}:
 * generation with the stored policy, scoring with a tiny stored reward model), the job is the real one with the Kafka
 * exchange and announcer.
 */
class PpoJobKafkaTest {

    @TempDir
    Path dir;

    private final String bootstrap = KafkaBrokers.shared().bootstrapServers();
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final List<List<RolloutSample>> gathered = Collections.synchronizedList(new ArrayList<>());
    private CheckpointStore store;
    private Path prompts;
    private String groupId;

    @BeforeEach
    void store() {
        store = new CheckpointStore(dir.resolve("store"));
        TestData.publishRandom(store, ModelStoreLayout.SFT);
        TestData.publishRandom(store, ModelStoreLayout.REWARD);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add("{\"id\":\"ppo-" + i + "\",\"user_id\":\"u" + i + "\",\"split\":\"train\",\"category\":\"chat\","
                    + "\"kind\":\"benign\",\"prompt\":\"Say " + TestData.WORDS.get(i % 10) + "\"}");
        }
        lines.add("{\"id\":\"held\",\"user_id\":\"u99\",\"split\":\"test\",\"prompt\":\"Never asked\"}");
        prompts = TestData.write(dir.resolve("ppo-prompts.jsonl"), lines);
        groupId = "ppo-test-" + UUID.randomUUID();
    }

    private Map<String, String> parameters(int promptsPerIteration, int staleness, int timeoutSeconds) {
        Map<String, String> p = new HashMap<>();
        p.put("data", prompts.toString());
        p.put("iterations", "1");
        p.put("prompts-per-iteration", Integer.toString(promptsPerIteration));
        p.put("samples-per-prompt", "2");
        p.put("max-new-tokens", "6");
        p.put("epochs", "2");
        p.put("minibatch-size", "4");
        p.put("lr", "1e-3");
        p.put("max-staleness", Integer.toString(staleness));
        p.put("rollout-timeout-seconds", Integer.toString(timeoutSeconds));
        return p;
    }

    /** The real Kafka exchange, recording what it gathered and when it committed. */
    private RolloutExchange exchange() {
        RolloutExchange kafka = new KafkaRolloutExchange(bootstrap, groupId, Duration.ofSeconds(30));
        return new RolloutExchange() {
            @Override
            public void request(List<RolloutRequestSpec> requests) {
                events.add("request " + requests.size());
                kafka.request(requests);
            }

            @Override
            public Gathered gather(int wanted, long minPolicyVersion, Duration timeout, JobMonitor monitor) {
                Gathered g = kafka.gather(wanted, minPolicyVersion, timeout, monitor);
                gathered.add(g.rollouts());
                events.add("gather " + g.rollouts().size());
                return g;
            }

            @Override
            public void commit() {
                kafka.commit();
                events.add("commit");
            }

            @Override
            public void close() {
                kafka.close();
            }
        };
    }

    private TrainingJob job(ModelVersionAnnouncer announcer, Map<String, String> parameters) {
        PpoConnections connections = new PpoConnections(this::exchange, result -> {
            ModelVersion v = ModelVersions.of(result);
            long offset = announcer.announce(v);
            events.add("announce " + result.checkpoint().id());
            return offset;
        });
        return new JobFactory(store, dir, connections).create(JobKind.PPO, parameters);
    }

    @Test
    void oneIterationPublishesPolicyV2WithLineageAnnouncesItAndOnlyThenCommits() {
        JobResult result;
        try (TestRolloutWorker worker = new TestRolloutWorker(bootstrap, store);
                ModelVersionAnnouncer announcer = new ModelVersionAnnouncer(bootstrap, Duration.ofSeconds(30))) {
            RecordingMonitor monitor = new RecordingMonitor();
            result = job(announcer, parameters(4, 1, 120)).run(monitor);
            assertThat(worker.published()).isEqualTo(8);
            assertThat(monitor.metrics).containsKeys("ppo.kl", "ppo.kl.coef", "ppo.clip.fraction", "ppo.approx.kl",
                    "ppo.rollouts.without_baseline", "ppo.entropy", "ppo.reward.mean", "ppo.logprob.drift", "ppo.time.generation",
                    "ppo.time.scoring", "ppo.time.reference", "ppo.time.update");
            assertThat(monitor.metrics.get("ppo.rollouts")).isEqualTo(8.0);
            // the default estimator is the group baseline: no critic, so no value loss is computed or reported
            assertThat(monitor.metrics).doesNotContainKey("ppo.value.loss");
            // the worker sampled from the same weights: only numerics separate its log-probs from the trainer's
            assertThat(monitor.metrics.get("ppo.logprob.drift")).isLessThan(1e-3);
            assertThat(monitor.lines).anyMatch(l -> l.startsWith("ppo iteration 1/1: policy v1 -> v2"));
        }

        assertThat(store.versions(ModelStoreLayout.POLICY)).containsExactly(1, 2);
        assertThat(result.checkpoint().id()).isEqualTo("policy/v2");
        Manifest manifest = result.checkpoint().manifest();
        assertThat(manifest.lineage().parents()).containsExactly("policy/v1", "sft/v1", "reward/v1");
        assertThat(manifest.lineage().datasets()).anyMatch(d -> d.contains("ppo-prompts.jsonl"));
        assertThat(manifest.lineage().metrics()).containsKeys("ppo.kl", "ppo.reward.mean", "ppo.clip.fraction",
                "ppo.time.update", "ppo.kl.coef.next");
        assertThat(store.checkpoint(ModelStoreLayout.POLICY, 1).manifest().lineage().parents()).containsExactly("sft/v1");
        assertThat(events).containsExactly("announce policy/v1", "gather 0", "request 4", "gather 8",
                "announce policy/v2", "commit");
        // everything it read is committed: the group has nothing left to read
        try (RolloutExchange again = new KafkaRolloutExchange(bootstrap, groupId, Duration.ofSeconds(30))) {
            assertThat(again.gather(100, 0, Duration.ofSeconds(2), new RecordingMonitor()).rollouts()).isEmpty();
        }
    }

    @Test
    void cancelledBeforePublicationTheNextRunRereadsTheSameRolloutsAndDropsStaleOnes() throws Exception {
        try (ModelVersionAnnouncer announcer = new ModelVersionAnnouncer(bootstrap, Duration.ofSeconds(30))) {
            List<String> firstKeys;
            try (TestRolloutWorker worker = new TestRolloutWorker(bootstrap, store)) {
                RecordingMonitor cancelAtFirstStep = new RecordingMonitor() {
                    @Override
                    public void progress(StepProgress progress) {
                        super.progress(progress);
                        cancel = true;
                    }
                };
                assertThatThrownBy(() -> job(announcer, parameters(4, 0, 120)).run(cancelAtFirstStep))
                        .isInstanceOf(JobCancelledException.class);
                firstKeys = keys(gathered.get(1)); // gathered.get(0): the empty backlog
                assertThat(firstKeys).hasSize(8);
                worker.publish(TestRolloutWorker.stale(new int[] {1, 2, 3}, new int[] {4, 5}));
            }
            assertThat(store.versions(ModelStoreLayout.POLICY)).containsExactly(1);
            assertThat(events).doesNotContain("commit");

            // no worker now: the second run can only learn from what the first left uncommitted. It takes that
            // backlog first, then asks for the one prompt it still lacks (10 wanted), waits 5 s and goes on.
            RecordingMonitor monitor = new RecordingMonitor();
            int before = gathered.size();
            JobResult result = job(announcer, parameters(5, 0, 5)).run(monitor);

            assertThat(keys(gathered.get(before))).containsExactlyInAnyOrderElementsOf(firstKeys);
            assertThat(gathered.get(before + 1)).isEmpty();
            assertThat(events).contains("request 1");
            assertThat(monitor.metrics.get("ppo.stale.rollouts")).isEqualTo(1.0);
            assertThat(monitor.metrics.get("ppo.rollouts")).isEqualTo(8.0);
            assertThat(result.checkpoint().id()).isEqualTo("policy/v2");
            assertThat(events.subList(events.size() - 2, events.size())).containsExactly("announce policy/v2",
                    "commit");
        }
    }

    private static List<String> keys(List<RolloutSample> rollouts) {
        return rollouts.stream().map(RolloutSample::key).toList();
    }
}
