package rlhf.policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.Lineage;
import rlhf.model.tokenizer.ByteTokenizer;

/**
 * What the policy service's tests boot against besides the broker: a model store under target/ holding tiny
 * sft/v1 and policy/v1 (byte tokenizer, context {@value #CONTEXT}), and a {@link FakeRewardService} on a real port.
 */
public class PolicyTestEnvironment implements QuarkusTestResourceLifecycleManager {

    static final int CONTEXT = 128;

    private Server reward;

    /** A tiny random GPT with the byte tokenizer's vocabulary. */
    static GptModel tinyModel(long seed) {
        return GptModel.create(new GptConfig(ByteTokenizer.VOCAB_SIZE, CONTEXT, 1, 2, 16, 0f), seed);
    }

    @Override
    public Map<String, String> start() {
        Path store;
        try {
            store = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "policy-store-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CheckpointStore checkpoints = new CheckpointStore(store);
        try (GptModel sft = tinyModel(1); GptModel policy = tinyModel(2); ByteTokenizer tokenizer = new ByteTokenizer()) {
            checkpoints.publish("sft", sft, tokenizer, new Lineage(List.of(), List.of("tiny-sft-data"), Map.of()));
            checkpoints.publish("policy", policy, tokenizer,
                    new Lineage(List.of("sft/v1"), List.of("tiny-prompts"), Map.of("ppo.kl_to_sft", 0.5)));
        }
        try {
            reward = ServerBuilder.forPort(0).addService(new FakeRewardService()).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "rlhf.policy.model-store", store.toString(),
                "rlhf.policy.loaded-versions", "3",
                "quarkus.grpc.clients.reward.host", "localhost",
                "quarkus.grpc.clients.reward.port", String.valueOf(reward.getPort()),
                // in test mode Quarkus points clients at the application's own test port unless told otherwise
                "quarkus.grpc.clients.reward.test-port", String.valueOf(reward.getPort()),
                "rlhf.policy.scoring.deadline", "5s",
                "rlhf.policy.scoring.max-attempts", "3",
                "rlhf.policy.scoring.initial-backoff", "20ms");
    }

    @Override
    public void stop() {
        if (reward != null) {
            reward.shutdownNow();
        }
    }
}
