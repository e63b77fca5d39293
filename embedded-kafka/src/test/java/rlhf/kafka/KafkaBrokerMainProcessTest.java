package rlhf.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import rlhf.wire.Topic;

/** The broker as its own process: prints its address, stops cleanly on SIGTERM, keeps its data on restart. */
class KafkaBrokerMainProcessTest {

    @Test
    void runsAsProcessStopsOnSigtermAndKeepsDataAcrossRestart(@TempDir Path dataDir) throws Exception {
        byte[] payload = SamplePayloads.comparison().toByteArray();

        Process first = startBroker(dataDir);
        String bootstrap = awaitBootstrapLine(first);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topic.COMPARISONS.topicName(), "cmp-1", payload)).get(30, TimeUnit.SECONDS);
        }
        first.destroy(); // SIGTERM
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("broker exits after SIGTERM").isTrue();
        // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks and exited on the signal.
        assertThat(first.exitValue()).isEqualTo(143);

        Process second = startBroker(dataDir);
        try {
            String again = awaitBootstrapLine(second);
            assertThat(readAll(again, Topic.COMPARISONS.topicName())).containsExactly(payload);
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private static Process startBroker(Path dataDir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                KafkaBrokerMain.class.getName(), "--data-dir", dataDir.toString(), "--port", "0")
                .redirectError(ProcessBuilder.Redirect.appendTo(Path.of("target", "broker-process.err").toFile()))
                .start();
    }

    private static String awaitBootstrapLine(Process process) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("bootstrap.servers=")) {
                return line.substring("bootstrap.servers=".length());
            }
        }
        throw new AssertionError("broker process ended without printing its bootstrap address");
    }

    private static List<byte[]> readAll(String bootstrap, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "restart-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    return java.util.stream.StreamSupport.stream(records.spliterator(), false)
                            .map(ConsumerRecord::value).toList();
                }
            }
        }
        return List.of();
    }
}
