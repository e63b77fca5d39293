package rlhf.policy.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.store.Checkpoint;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.Lineage;
import rlhf.model.tokenizer.ByteTokenizer;

/** Which version unversioned calls get, and how announcements change it. */
class PolicyModelsTest {

    @TempDir
    Path root;

    private Checkpoint publish(CheckpointStore store, String kind, long seed) {
        try (GptModel model = GptModel.create(new GptConfig(ByteTokenizer.VOCAB_SIZE, 32, 1, 2, 16, 0f), seed);
                ByteTokenizer tokenizer = new ByteTokenizer()) {
            return store.publish(kind, model, tokenizer, new Lineage(List.of(), List.of(), Map.of()));
        }
    }

    private static String sha(Checkpoint c) {
        return c.manifest().files().get(CheckpointStore.WEIGHTS).sha256();
    }

    @Test
    void servesSftUntilAPolicyIsAnnouncedThenOnlyNewerPolicies() {
        CheckpointStore store = new CheckpointStore(root);
        try (PolicyModels models = new PolicyModels(store, 2,
                PolicyModels.factory(new PolicyModel.Batching(4, java.time.Duration.ofMillis(1), 16),
                        GenerationObserver.NONE, (size, nanos) -> { }))) {
            models.serveNewestStored();
            assertThat(models.served()).isEmpty();
            assertThat(models.notReadyReason()).hasValueSatisfying(r -> assertThat(r).contains("rlhf.policy.model-store"));
            assertThatThrownBy(() -> models.acquire(Optional.empty())).isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

            Checkpoint sft = publish(store, "sft", 1);
            models.announced(new ModelId(PolicyKind.SFT, 1), sha(sft));
            assertThat(models.served()).contains(new ModelId(PolicyKind.SFT, 1));

            Checkpoint policy = publish(store, "policy", 2);
            models.announced(new ModelId(PolicyKind.POLICY, 1), "00" + sha(policy).substring(2));
            assertThat(models.served()).as("a sha256 mismatch is not served").contains(new ModelId(PolicyKind.SFT, 1));
            assertThat(models.lastProblem()).hasValueSatisfying(p -> assertThat(p).contains("sha256"));

            models.announced(new ModelId(PolicyKind.POLICY, 1), sha(policy));
            assertThat(models.served()).contains(new ModelId(PolicyKind.POLICY, 1));
            try (PolicyModels.Lease lease = models.acquire(Optional.empty())) {
                assertThat(lease.model().id()).isEqualTo(new ModelId(PolicyKind.POLICY, 1));
            }

            publish(store, "sft", 3);
            models.announced(new ModelId(PolicyKind.SFT, 2), "");
            assertThat(models.served()).as("SFT never replaces a policy").contains(new ModelId(PolicyKind.POLICY, 1));
            try (PolicyModels.Lease lease = models.acquire(Optional.of(new ModelId(PolicyKind.SFT, 0)))) {
                assertThat(lease.model().id()).as("version 0: newest stored").isEqualTo(new ModelId(PolicyKind.SFT, 2));
            }
            assertThatThrownBy(() -> models.acquire(Optional.of(new ModelId(PolicyKind.POLICY, 9))))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                        assertThat(e.getStatus().getDescription()).contains("policy/v9");
                    });
        }
    }
}
