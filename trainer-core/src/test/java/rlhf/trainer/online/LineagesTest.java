package rlhf.trainer.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.Lineage;
import rlhf.model.tokenizer.ByteTokenizer;
import rlhf.trainer.data.JsonlFile;

/** A policy traced through its reward model down to the Kafka offsets of the snapshot that reward model learned from. */
class LineagesTest {

    @Test
    void aPolicyIsTracedDownToTheOffsetsOfTheComparisonsItsRewardModelLearnedFrom(@TempDir Path dir) throws Exception {
        Path snapshot = dir.resolve("week1").resolve("comparisons.jsonl");
        Files.createDirectories(snapshot.getParent());
        Files.writeString(snapshot, "{\"id\":\"c1\"}\n");
        String sha = JsonlFile.sha256(snapshot);
        Files.writeString(snapshot.resolveSibling("manifest.json"), "{\"comparisonsTopic\": \"rlhf.comparisons\", "
                + "\"comparisons\": [{\"partition\": 0, \"from\": 0, \"to\": 17}], \"erasuresTopic\": "
                + "\"rlhf.user-erasures\", \"erasures\": [], \"records\": 1, \"sha256\": \"" + sha + "\", \"counts\": "
                + "{\"split.train\": 1}}");
        String snapshotEntry = JsonlFile.reference(snapshot, 1).lineageEntry();
        Path other = dir.resolve("sft.jsonl");
        Files.writeString(other, "{}\n");

        CheckpointStore store = new CheckpointStore(dir.resolve("store"));
        try (GptModel m = GptModel.create(new GptConfig(ByteTokenizer.VOCAB_SIZE, 16, 1, 2, 16, 0f), 1)) {
            ByteTokenizer t = new ByteTokenizer();
            store.publish("base", m, t, Lineage.none());
            store.publish("sft", m, t, new Lineage(List.of("base/v1"), List.of(JsonlFile.reference(other, 1)
                    .lineageEntry()), Map.of("sft.heldout.loss", 0.4)));
            store.publish("reward", m, t, new Lineage(List.of("sft/v1"), List.of(snapshotEntry),
                    Map.of("rm.heldout.accuracy", 0.85)));
            store.publish("policy", m, t, new Lineage(List.of("sft/v1"), List.of(), Map.of()));
            store.publish("policy", m, t, new Lineage(List.of("policy/v1", "reward/v1", "sft/v1"), List.of(),
                    Map.of("ppo.reward", -1.1)));
        }

        Lineages.Node policy = new Lineages(store).of("policy", 2);
        assertThat(policy.id()).isEqualTo("policy/v2");
        assertThat(policy.metrics()).containsEntry("ppo.reward", -1.1);
        assertThat(policy.parents()).extracting(Lineages.Node::id).containsExactly("policy/v1", "reward/v1");
        // sft/v1 was reached through policy/v1 first: listed once
        assertThat(policy.parents().get(0).parents()).extracting(Lineages.Node::id).containsExactly("sft/v1");
        Lineages.Node reward = policy.parents().get(1);
        Lineages.Dataset data = reward.datasets().get(0);
        assertThat(data.name()).isEqualTo("comparisons.jsonl");
        assertThat(data.records()).isEqualTo(1);
        assertThat(data.sha256()).isEqualTo(sha);
        assertThat(data.snapshot()).containsEntry("comparisonsTopic", "rlhf.comparisons");
        assertThat(data.snapshot().get("comparisons").toString()).contains("partition=0.0", "to=17.0");
        Lineages.Node sft = policy.parents().get(0).parents().get(0);
        assertThat(sft.datasets().get(0).snapshot()).as("no manifest beside it: no offsets").isEmpty();
        assertThat(sft.parents()).extracting(Lineages.Node::id).containsExactly("base/v1");

        // A manifest of other bytes (another sha256 than the lineage recorded) is not this data set's.
        assertThat(Lineages.dataset(snapshotEntry.replace(sha, "0".repeat(64))).snapshot()).isEmpty();
        assertThatThrownBy(() -> new Lineages(store).of("policy", 9)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("policy/v9 is not in the model store");
    }
}
