package rlhf.trainer.jobs.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import rlhf.model.store.CheckpointStore;
import rlhf.trainer.jobs.InvalidParameterException;
import rlhf.trainer.jobs.JobFactory;
import rlhf.trainer.jobs.JobKind;
import rlhf.trainer.jobs.JobPreconditionException;
import rlhf.trainer.jobs.JobResult;
import rlhf.trainer.jobs.RecordingMonitor;
import rlhf.trainer.jobs.TestData;
import rlhf.trainer.jobs.ppo.PpoConnections;
import rlhf.wire.ModelStoreLayout;

/**
 * The online iteration's reward-model half on real training (PPO needs the rollout workers: the system tests run
 * it): a week of good human comparisons promotes a challenger; a week of flipped labels is refused by the gate's
 * frozen regression set, the champion stays and the served policy is announced again with the refusal in its
 * manifest. The snapshots come from files standing in for Kafka.
 */
class OnlineIterationJobTest {

    @TempDir
    Path dir;

    private final List<String> announced = new ArrayList<>();
    /** The file the next snapshot "reads from Kafka". */
    private Path onTopic;

    private JobFactory factory(CheckpointStore store) {
        PpoConnections ppo = new PpoConnections(() -> {
            throw new AssertionError("no PPO with ppo-iterations=0");
        }, r -> {
            announced.add(r.checkpoint().id());
            return announced.size();
        });
        ComparisonSnapshots snapshots = (target, cap) -> {
            try {
                Files.createDirectories(target);
                Path file = Files.copy(onTopic, target.resolve("comparisons.jsonl"));
                Files.writeString(target.resolve("manifest.json"), "{}");
                long records = Files.readAllLines(file).size();
                return new ComparisonSnapshots.Snapshot(file, target.resolve("manifest.json"), records,
                        Map.of("split.train", records));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        return new JobFactory(store, dir.resolve("data"), ppo, snapshots);
    }

    @Test
    void aGoodWeekPromotesTheRewardModelAndAFlippedWeekIsRefusedWhileTheChampionKeepsServing() throws Exception {
        CheckpointStore store = new CheckpointStore(dir.resolve("store"));
        TestData.publishRandom(store, ModelStoreLayout.SFT);
        Path data = dir.resolve("data");
        Path old = TestData.comparisons(data, 300);
        Files.copy(old, data.resolve("regression-comparisons.jsonl"));
        TestData.write(data.resolve("ppo-prompts.jsonl"), List.of(
                "{\"id\":\"p1\",\"split\":\"test\",\"prompt\":\"Rate answer 1.\"}"));
        Map<String, String> training = Map.of("epochs", "5", "lr", "0.002", "warmup-steps", "3",
                "likelihood-weight", "0");
        factory(store).create(JobKind.REWARD_MODEL, training).run(new RecordingMonitor()); // the champion
        Map<String, String> online = new HashMap<>(Map.of("ppo-iterations", "0", "rm-epochs", "5", "rm-lr", "0.002",
                "rm.warmup-steps", "3", "rm.likelihood-weight", "0"));

        onTopic = TestData.write(dir.resolve("week1.jsonl"), renamed(old, "w1-", false, 100));
        RecordingMonitor monitor = new RecordingMonitor();
        JobResult week1 = factory(store).create(JobKind.ONLINE_ITERATION, online).run(monitor);
        assertThat(store.versions(ModelStoreLayout.REWARD)).containsExactly(1, 2);
        assertThat(week1.checkpoint().id()).isEqualTo("policy/v1");
        assertThat(week1.parents()).containsExactly("sft/v1", "reward/v2");
        assertThat(week1.metrics()).containsEntry("online.week", 1.0).containsEntry("online.rm.promoted", 1.0)
                .containsEntry("online.snapshot.new", 100.0);
        assertThat(week1.metrics().get("online.rm.newest.challenger.accuracy")).isGreaterThan(0.8);
        assertThat(announced).containsExactly("reward/v2", "policy/v1");
        assertThat(reward2Datasets(store)).anyMatch(d -> d.contains("week-001/comparisons.jsonl"));

        // A week whose labelers ranked everything upside down, twice as much as all the data before.
        List<String> flipped = new ArrayList<>(renamed(old, "w1-", false, 100));
        flipped.addAll(renamed(old, "w2a-", true, 300));
        flipped.addAll(renamed(old, "w2b-", true, 300));
        onTopic = TestData.write(dir.resolve("week2.jsonl"), flipped);
        announced.clear();
        JobResult week2 = factory(store).create(JobKind.ONLINE_ITERATION, online).run(new RecordingMonitor());
        assertThat(store.versions(ModelStoreLayout.REWARD)).as("nothing published").containsExactly(1, 2);
        assertThat(week2.metrics()).containsEntry("online.week", 2.0).containsEntry("online.rm.promoted", 0.0)
                .containsEntry("online.snapshot.new", 600.0);
        assertThat(week2.metrics().get("online.rm.newest.champion.accuracy")).as("the champion disagrees with the "
                + "flipped week").isLessThan(0.2);
        assertThat(week2.report()).anyMatch(l -> l.contains("reward-model gate: kept the champion")
                && l.contains("regression set accuracy") && l.contains("reward/v2 stays"));
        assertThat(week2.parents()).as("the same weights serve again").containsExactly("policy/v1", "reward/v2");
        assertThat(announced).containsExactly("policy/v2");
        assertThat(Files.readString(dir.resolve("data/snapshots/week-002/iteration.json")))
                .contains("\"online.rm.promoted\": 0.0").contains("\"serving\": \"policy/v2\"");

        // The cheap weekly retrain: from the champion, on the new week plus as many old train comparisons (replay 1),
        // every old validation and test comparison kept for the gate.
        List<String> week3 = new ArrayList<>(flipped);
        week3.addAll(renamed(old, "w3-", false, 50));
        onTopic = TestData.write(dir.resolve("week3.jsonl"), week3);
        Map<String, String> warm = new HashMap<>(online);
        warm.putAll(Map.of("rm-init", "champion", "rm-replay", "1", "rm-epochs", "2"));
        RecordingMonitor week3Monitor = new RecordingMonitor();
        JobResult week3Result = factory(store).create(JobKind.ONLINE_ITERATION, warm).run(week3Monitor);
        List<String> replayed = Files.readAllLines(dir.resolve("data/snapshots/week-003/replay-comparisons.jsonl"));
        long oldHeldOut = Files.readAllLines(old).stream().filter(l -> !l.contains("\"split\":\"train\"")).count();
        assertThat(replayed).hasSize((int) oldHeldOut + 50);
        assertThat(week3Result.metrics()).containsEntry("online.snapshot.new", 50.0);
        assertThat(week3Result.report()).anyMatch(l -> l.contains("50 of the old train comparisons")
                && l.contains("from reward/v2"));
        assertThat(week3Monitor.lines).as("trained on from the champion's weights")
                .anyMatch(l -> l.startsWith("rm: from reward/v2,"));
    }

    @Test
    void handedOnParametersAreCheckedAtOnceAndNoNewComparisonsIsAPrecondition() throws Exception {
        CheckpointStore store = new CheckpointStore(dir.resolve("store"));
        assertThatThrownBy(() -> factory(store).create(JobKind.ONLINE_ITERATION, Map.of("rm.prompts-per-batch", "0")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("rm.prompts-per-batch");
        assertThatThrownBy(() -> factory(store).create(JobKind.ONLINE_ITERATION, Map.of("rm.epochs", "2")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("set by a parameter of the online");
        assertThatThrownBy(() -> factory(store).create(JobKind.ONLINE_ITERATION, Map.of("ppo.clip-epsilon", "7")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("ppo.clip-epsilon");
        assertThatThrownBy(() -> factory(store).create(JobKind.ONLINE_ITERATION, Map.of("bogus", "1")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("bogus");
        assertThatThrownBy(() -> new JobFactory(store, dir).create(JobKind.ONLINE_ITERATION, Map.of())
                .checkPreconditions()).isInstanceOf(JobPreconditionException.class).hasMessageContaining("Kafka");
    }

    private static List<String> reward2Datasets(CheckpointStore store) {
        return store.checkpoint(ModelStoreLayout.REWARD, 2).manifest().lineage().datasets();
    }

    /** The first {@code n} comparisons of {@code file} under new ids (a new week's), tiers reversed if asked. */
    private static List<String> renamed(Path file, String prefix, boolean flip, int n) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (out.size() == n) {
                break;
            }
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            o.addProperty("id", prefix + o.get("id").getAsString());
            o.addProperty("user_id", prefix + o.get("user_id").getAsString());
            if (flip) {
                JsonArray reversed = new JsonArray();
                JsonArray ranking = o.getAsJsonArray("ranking");
                for (int t = ranking.size() - 1; t >= 0; t--) {
                    reversed.add(ranking.get(t));
                }
                o.add("ranking", reversed);
            }
            out.add(o.toString());
        }
        return out;
    }
}
