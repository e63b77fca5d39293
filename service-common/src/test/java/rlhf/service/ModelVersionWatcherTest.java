package rlhf.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import rlhf.common.v1.ModelKind;
import rlhf.kafka.KafkaBrokers;
import rlhf.model.v1.ModelVersion;
import rlhf.wire.Topic;

/** The watcher against the real broker: replays what was announced before it started, then follows new ones. */
class ModelVersionWatcherTest {

    @Test
    void replaysEarlierAnnouncementsThenFollowsNewOnesOfItsKinds() throws Exception {
        String bootstrap = KafkaBrokers.shared().bootstrapServers();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "acks", "all"), new StringSerializer(), new ByteArraySerializer())) {
            send(producer, ModelKind.MODEL_KIND_REWARD, 1);
            send(producer, ModelKind.MODEL_KIND_POLICY, 1);
            List<Long> seen = new CopyOnWriteArrayList<>();
            try (ModelVersionWatcher watcher = new ModelVersionWatcher(bootstrap, "test", Set.of(ModelKind.MODEL_KIND_REWARD))
                    .onVersion(v -> seen.add(v.getVersion())).start()) {
                waitFor(() -> seen.contains(1L));
                send(producer, ModelKind.MODEL_KIND_REWARD, 2);
                waitFor(() -> seen.contains(2L));
            }
            assertThat(seen).containsExactly(1L, 2L); // the policy announcement was not for this watcher
        }
    }

    @Test
    void startedBeforeItsBrokerExistsItStillFollowsAnnouncements(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (ModelVersionWatcher watcher = new ModelVersionWatcher("localhost:" + port, "early", Set.of(ModelKind.MODEL_KIND_REWARD))
                .onVersion(v -> seen.add(v.getVersion())).start()) {
            Thread.sleep(3_000); // the watcher is polling a port where nothing listens yet
            try (rlhf.kafka.EmbeddedKafkaBroker late = rlhf.kafka.EmbeddedKafkaBroker.start(dir, port)) {
                rlhf.kafka.TopicAdmin.ensureTopics(late.bootstrapServers(), (short) 1);
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                        late.bootstrapServers(), "acks", "all"), new StringSerializer(), new ByteArraySerializer())) {
                    send(producer, ModelKind.MODEL_KIND_REWARD, 7);
                }
                waitFor(() -> seen.contains(7L));
            }
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, ModelKind kind, long version) throws Exception {
        ModelVersion v = ModelVersion.newBuilder().setKind(kind).setVersion(version).setStoreUri("file:///m/" + version).build();
        producer.send(new ProducerRecord<>(Topic.MODEL_VERSIONS.topicName(), kind.name(), v.toByteArray())).get(10, TimeUnit.SECONDS);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as("condition within 30 s").isTrue();
    }
}
