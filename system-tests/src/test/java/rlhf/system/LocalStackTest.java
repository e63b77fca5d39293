package rlhf.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import rlhf.cli.Rlhf;
import rlhf.demo.LocalStack;
import rlhf.wire.Topic;

/** The local run end to end: a real broker and the four packaged services as separate processes. */
class LocalStackTest {

    @Test
    void allFourServicesBecomeReadyAndServeGrpcHealthThenStopCleanly(@TempDir Path workDir) throws Exception {
        Path root = Path.of(System.getProperty("rlhf.repo.root", ".."));
        List<LocalStack.Service> services = new ArrayList<>();
        for (LocalStack.Service s : LocalStack.defaultServices()) {
            services.add(new LocalStack.Service(s.name(), s.module(), freePort()));
        }
        List<String> progress = new ArrayList<>();
        LocalStack stack = LocalStack.start(root, workDir, 0, services);
        try {
            stack.awaitReady(Duration.ofMinutes(4), progress::add);
            for (LocalStack.Service s : services) {
                assertThat(grpcHealth(s.port())).as(s.name()).isEqualTo(ServingStatus.SERVING);
            }
            importsThroughTheGateway(stack, workDir);
            snapshotLeavesAnErasedUserOut(stack, workDir);
        } finally {
            Map<String, Integer> exits = stack.stop();
            // Quarkus turns SIGTERM into an orderly shutdown and exits 0; 143 would mean killed by the signal.
            assertThat(exits).hasSize(4).allSatisfy((name, code) -> assertThat(code).as(name).isIn(0, 143));
        }
        // Without models in the store, the model services are up but say they are not ready; the others are ready.
        assertThat(progress).anyMatch(line -> line.startsWith("feedback-gateway") && line.contains(" ready "));
        assertThat(progress).anyMatch(line -> line.startsWith("trainer-service") && line.contains(" ready "));
        assertThat(progress).anyMatch(line -> line.startsWith("reward-service") && line.contains("up, not ready"));
    }

    /** `rlhf import hh-rlhf FILE --gateway URL` against the started gateway: stored once, a re-run stores nothing. */
    private static void importsThroughTheGateway(LocalStack stack, Path workDir) throws Exception {
        Path file = workDir.resolve("hh.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"chosen\": \"\\n\\nHuman: Hi\\n\\nAssistant: Hello! Mail me at ann@example.com\", "
                        + "\"rejected\": \"\\n\\nHuman: Hi\\n\\nAssistant: Go away.\"}",
                "{\"chosen\": \"\\n\\nHuman: 2+2?\\n\\nAssistant: 4.\", \"rejected\": \"\\n\\nHuman: 2+2?\\n\\nAssistant: 5.\"}",
                ""));
        String gateway = "http://localhost:" + stack.portOf("feedback-gateway").orElseThrow();
        String[] args = {"import", "hh-rlhf", file.toString(), "--gateway", gateway, "--api-key", stack.gatewayApiKey()};
        assertThat(Rlhf.commandLine().execute(args)).isZero();
        assertThat(Rlhf.commandLine().execute(args)).as("a re-run: every comparison already stored").isZero();
        assertThat(Rlhf.commandLine().execute("import", "hh-rlhf", file.toString(), "--gateway", gateway,
                "--api-key", "wrong-key-0000000000")).as("refused: 401").isEqualTo(1);
        Map<String, String> stored = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topic.COMPARISONS.topicName()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    assertThat(stored.put(r.key(), new String(r.value(), StandardCharsets.UTF_8)))
                            .as("%s stored once", r.key()).isNull();
                }
            }
        }
        assertThat(stored).containsOnlyKeys("hh-rlhf-1", "hh-rlhf-2");
        assertThat(stored.get("hh-rlhf-1")).contains("<EMAIL>").doesNotContain("ann@example.com");
    }

    /**
     * `rlhf snapshot` of the imported comparisons: both there once; after the erasure of one's user (DELETE
     * /v1/users/{id}) a new snapshot leaves it out, and the first one rebuilds byte for byte from its manifest.
     */
    private static void snapshotLeavesAnErasedUserOut(LocalStack stack, Path workDir) throws Exception {
        Path first = workDir.resolve("snapshot-1");
        assertThat(Rlhf.commandLine().execute("snapshot", "--kafka", stack.bootstrapServers(), "--out",
                first.toString())).isZero();
        List<String> lines = Files.readAllLines(first.resolve("comparisons.jsonl"));
        assertThat(lines).hasSize(2);
        String erased = com.google.gson.JsonParser.parseString(lines.get(1)).getAsJsonObject().get("user_id")
                .getAsString();
        String erasedId = com.google.gson.JsonParser.parseString(lines.get(1)).getAsJsonObject().get("id")
                .getAsString();
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:"
                        + stack.portOf("feedback-gateway").orElseThrow() + "/v1/users/" + erased))
                        .header("Authorization", "Bearer " + stack.gatewayApiKey()).DELETE().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(202);

        Path second = workDir.resolve("snapshot-2");
        assertThat(Rlhf.commandLine().execute("snapshot", "--kafka", stack.bootstrapServers(), "--out",
                second.toString())).isZero();
        assertThat(Files.readString(second.resolve("comparisons.jsonl"))).doesNotContain("\"" + erasedId + "\"")
                .doesNotContain("\"" + erased + "\"");
        Path again = workDir.resolve("snapshot-1-again");
        assertThat(Rlhf.commandLine().execute("snapshot", "--kafka", stack.bootstrapServers(), "--rebuild",
                first.resolve("manifest.json").toString(), "--out", again.toString())).isZero();
        assertThat(Files.readAllBytes(again.resolve("comparisons.jsonl")))
                .isEqualTo(Files.readAllBytes(first.resolve("comparisons.jsonl")));
    }

    private static ServingStatus grpcHealth(int port) throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        try {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
