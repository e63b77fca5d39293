package rlhf.reward.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import rlhf.common.v1.ModelKind;
import rlhf.kafka.KafkaBrokers;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.score.Scorer;
import rlhf.model.store.Checkpoint;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.Lineage;
import rlhf.model.store.LoadedCheckpoint;
import rlhf.model.tokenizer.ByteTokenizer;
import rlhf.model.v1.ModelVersion;
import rlhf.wire.ModelStoreLayout;
import rlhf.wire.Topic;

/**
 * Tiny reward models for the tests (2 layers, width 32, byte tokenizer, 128 positions): published into a store,
 * announced on {@code rlhf.model-versions}, and scored directly with {@link Scorer} as the reference.
 */
public final class TinyRewardModels {

    public static final String KIND = ModelStoreLayout.kindDirectory(ModelKind.MODEL_KIND_REWARD);
    public static final GptConfig CONFIG = new GptConfig(ByteTokenizer.VOCAB_SIZE, 128, 2, 2, 32, 0f);

    private static final Map<String, LoadedCheckpoint> LOADED = new ConcurrentHashMap<>();

    private TinyRewardModels() {
    }

    /** A fresh store folder under target/ with reward v1 in it. */
    public static Path newStoreWithV1() {
        try {
            Path dir = Files.createDirectories(Path.of("target").toAbsolutePath());
            Path store = Files.createTempDirectory(dir, "reward-store-");
            publish(store, 1);
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Publishes the next reward version, a model initialised with {@code seed}. */
    public static Checkpoint publish(Path store, long seed) {
        return publish(store, CONFIG, seed);
    }

    /** Publishes the next reward version of {@code config}, initialised with {@code seed}. */
    public static Checkpoint publish(Path store, GptConfig config, long seed) {
        try (GptModel model = GptModel.create(config, seed)) {
            return new CheckpointStore(store).publish(KIND, model, new ByteTokenizer(),
                    new Lineage(List.of(), List.of("test-seed-" + seed), Map.of()));
        }
    }

    /** Announces {@code checkpoint} on rlhf.model-versions as the trainer does (key: the kind's name). */
    public static void announce(Checkpoint checkpoint) throws Exception {
        ModelVersion announcement = ModelVersion.newBuilder()
                .setKind(ModelKind.MODEL_KIND_REWARD)
                .setVersion(checkpoint.version())
                .setStoreUri(checkpoint.directory().toUri().toString())
                .setSha256(checkpoint.manifest().files().get(CheckpointStore.WEIGHTS).sha256())
                .setCreatedBy("test")
                .build();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", KafkaBrokers.shared().bootstrapServers(), "acks", "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topic.MODEL_VERSIONS.topicName(), ModelKind.MODEL_KIND_REWARD.name(),
                    announcement.toByteArray())).get(10, TimeUnit.SECONDS);
        }
    }

    /** The reference: Scorer's reward for (prompt, response) under {@code store}'s version, run in the test. */
    public static float expectedReward(Path store, long version, int[] prompt, int[] response) {
        LoadedCheckpoint checkpoint = LOADED.computeIfAbsent(store + "#" + version,
                k -> new CheckpointStore(store).load(KIND, (int) version));
        return new Scorer(checkpoint.model()).score(List.of(new Scorer.Example(prompt, response))).get(0).reward();
    }

    /** Deletes a store folder. */
    public static void delete(Path store) {
        try (Stream<Path> walk = Files.walk(store)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: it is under target/
        }
    }
}
