package rlhf.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.google.protobuf.util.JsonFormat;
import rlhf.demo.LocalStack;
import rlhf.kafka.KafkaBrokerMain;
import rlhf.system.bench.IngestBench;
import rlhf.wire.Topic;

/**
 * Nothing acknowledged is lost when parts die: 10,000 comparisons go in through the gateway from 8 clients that retry
 * every failure with the same id, while the gateway is killed (SIGKILL) and started again, and then the broker is
 * stopped and started again. Afterwards every acknowledged comparison is on the log, and the training snapshot's rule
 * (the first record of an id counts) holds each id exactly once.
 */
class GatewayFaultTest {

    private static final int COMPARISONS = 10_000;
    private static final String KEY = "fault-test-key-0000000000001";

    @TempDir
    Path work;

    private Process broker;
    private Process gateway;
    private String bootstrap;
    private int kafkaPort;
    private int gatewayPort;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void acknowledgedComparisonsSurviveAKilledGatewayAndARestartedBroker() throws Exception {
        kafkaPort = freePort();
        gatewayPort = freePort();
        startBroker();
        startGateway();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger retries = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        for (int t = 0; t < 8; t++) {
            clients.submit(() -> {
                for (int i = next.getAndIncrement(); i < COMPARISONS; i = next.getAndIncrement()) {
                    submitUntilStored(http, i, acknowledged, retries);
                }
                return null;
            });
        }
        List<String> faults = new ArrayList<>();
        awaitAcknowledged(acknowledged, 2_500);
        gateway.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL, mid-load
        faults.add("gateway killed at " + acknowledged.size() + " acknowledged");
        long down = System.nanoTime();
        startGateway();
        faults.add(String.format("gateway back after %.1f s", (System.nanoTime() - down) / 1e9));
        awaitAcknowledged(acknowledged, 6_000);
        broker.destroy(); // SIGTERM: an orderly broker restart, as an operator's rolling restart
        broker.waitFor(60, TimeUnit.SECONDS);
        faults.add("broker stopped at " + acknowledged.size() + " acknowledged");
        down = System.nanoTime();
        startBroker();
        faults.add(String.format("broker back after %.1f s", (System.nanoTime() - down) / 1e9));
        clients.shutdown();
        assertThat(clients.awaitTermination(5, TimeUnit.MINUTES)).as("every comparison stored").isTrue();

        Map<String, Integer> recordsPerId = readLog();
        int records = recordsPerId.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("gateway faults: %s; %,d acknowledged after %,d retries; %,d records on the log for %,d ids%n",
                faults, acknowledged.size(), retries.get(), records, recordsPerId.size());
        FaultTable.reset(GatewayFaultTest.class);
        FaultTable.row(GatewayFaultTest.class, "gateway killed, broker restarted during ingest", String.format(
                "%,d comparisons from 8 clients retrying with the same ids; SIGKILL of the gateway, then an orderly broker "
                        + "restart: %s", COMPARISONS, faults),
                String.format("%d lost: %,d acknowledged, all on the log; %,d ids there (%,d records, %d retried appends)",
                        acknowledged.stream().filter(id -> !recordsPerId.containsKey(id)).count(), acknowledged.size(),
                        recordsPerId.size(), records,
                        records - recordsPerId.size()),
                faults.get(1) + ", " + faults.get(3), String.format("%,d client retries", retries.get()));
        assertThat(acknowledged).hasSize(COMPARISONS);
        assertThat(recordsPerId.keySet()).as("every acknowledged comparison is on the log").containsAll(acknowledged);
        assertThat(recordsPerId).as("the snapshot's rule keeps each id once: nothing but these ids").hasSize(COMPARISONS);
    }

    /** One comparison, retried with the same id until the gateway answers stored (202) or already stored (200). */
    private void submitUntilStored(HttpClient http, int i, Set<String> acknowledged, AtomicInteger retries)
            throws Exception {
        String body = JsonFormat.printer().omittingInsignificantWhitespace()
                .print(IngestBench.comparison("fault", i));
        for (int attempt = 0; attempt < 600; attempt++) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + gatewayPort + "/v1/comparisons"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + KEY)
                        .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 202 || r.statusCode() == 200) {
                    acknowledged.add("fault-" + i);
                    return;
                }
                assertThat(r.statusCode()).as("only unavailability may be retried").isIn(429, 503);
            } catch (IOException connectionRefusedOrReset) {
                // the gateway is down: retry
            }
            retries.incrementAndGet();
            Thread.sleep(200);
        }
        throw new AssertionError("fault-" + i + " not stored after 600 attempts");
    }

    private static void awaitAcknowledged(Set<String> acknowledged, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (acknowledged.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(acknowledged.size()).as("progress before the fault").isGreaterThanOrEqualTo(count);
    }

    private void startBroker() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        broker = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                KafkaBrokerMain.class.getName(), "--data-dir", work.resolve("kafka").toString(), "--port",
                Integer.toString(kafkaPort)).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("bootstrap.servers=")) {
                bootstrap = line.substring("bootstrap.servers=".length());
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        throw new IllegalStateException("the broker did not start");
    }

    private void startGateway() throws Exception {
        Path root = Path.of(System.getProperty("rlhf.repo.root", ".."));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(LocalStack.SERVICE_JVM_FLAGS);
        cmd.addAll(List.of("-Dquarkus.http.port=" + gatewayPort, "-Dkafka.bootstrap.servers=" + bootstrap,
                "-Drlhf.gateway.keys.fault.token=" + KEY, "-Drlhf.gateway.keys.fault.role=admin",
                "-Drlhf.gateway.keys.fault.per-second=1000000", "-Drlhf.gateway.append-timeout=5s",
                "-jar", root.resolve("feedback-gateway/target/quarkus-app/quarkus-run.jar").toString()));
        gateway = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(work.resolve("gateway-" + System.nanoTime() + ".log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + gatewayPort + "/q/health/ready"))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the gateway did not become ready");
    }

    /** Records per comparison id on rlhf.comparisons, read to the end. */
    private Map<String, Integer> readLog() {
        Map<String, Integer> perId = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topic.COMPARISONS.topicName()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    perId.merge(r.key(), 1, Integer::sum);
                }
            }
        }
        return perId;
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : new Process[] {gateway, broker}) {
            if (p != null) {
                p.destroy();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
