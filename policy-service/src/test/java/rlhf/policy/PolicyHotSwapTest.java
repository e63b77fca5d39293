package rlhf.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import rlhf.common.v1.ModelKind;
import rlhf.common.v1.ModelRef;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.SamplingParams;
import rlhf.kafka.KafkaTestResource;
import rlhf.model.GptModel;
import rlhf.model.store.Checkpoint;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.Lineage;
import rlhf.model.tokenizer.ByteTokenizer;
import rlhf.model.v1.ModelVersion;
import rlhf.policy.v1.GenerateRequest;
import rlhf.policy.v1.GenerateResponse;
import rlhf.policy.v1.PolicyServiceGrpc;
import rlhf.service.testing.ServiceProbes;
import rlhf.wire.Topic;

/** A new policy version published and announced while callers keep generating: no call fails, and calls move over. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PolicyTestEnvironment.class)
class PolicyHotSwapTest {

    @TestHTTPResource("/")
    URL root;

    @ConfigProperty(name = "rlhf.policy.model-store")
    String modelStore;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void callersKeepGettingAnswersWhileTheServedVersionChanges() throws Exception {
        ManagedChannel channel = ServiceProbes.channel(root.getPort());
        PolicyServiceGrpc.PolicyServiceBlockingStub policy = PolicyServiceGrpc.newBlockingStub(channel);
        GenerateRequest request = GenerateRequest.newBuilder().setPrompt(Prompt.newBuilder().setText("Hello"))
                .setSampling(SamplingParams.newBuilder().setMaxNewTokens(4)).build();
        long before = policy.generate(request).getModel().getVersion();

        Set<ModelRef> served = ConcurrentHashMap.newKeySet();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService callers = Executors.newFixedThreadPool(4);
        for (int i = 0; i < 4; i++) {
            callers.submit(() -> {
                while (!stop.get()) {
                    try {
                        GenerateResponse r = policy.withDeadlineAfter(30, TimeUnit.SECONDS).generate(request);
                        served.add(r.getModel());
                        calls.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
            });
        }
        Thread.sleep(500);
        Checkpoint v2;
        try (GptModel model = PolicyTestEnvironment.tinyModel(20); ByteTokenizer tokenizer = new ByteTokenizer()) {
            v2 = new CheckpointStore(Path.of(modelStore)).publish("policy", model, tokenizer,
                    new Lineage(List.of("sft/v1"), List.of(), Map.of()));
        }
        announce(v2);
        ModelRef expected = ModelRef.newBuilder().setKind(ModelKind.MODEL_KIND_POLICY).setVersion(v2.version()).build();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!served.contains(expected) && System.nanoTime() < until && failures.isEmpty()) {
            Thread.sleep(50);
        }
        int callsAtSwap = calls.get();
        Thread.sleep(500); // more calls on the new version while the old one retires
        stop.set(true);
        callers.shutdown();
        assertThat(callers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

        assertThat(failures).as("failed calls").isEmpty();
        assertThat(served).contains(expected);
        assertThat(served).contains(ModelRef.newBuilder().setKind(ModelKind.MODEL_KIND_POLICY).setVersion(before).build());
        assertThat(calls.get()).isGreaterThan(callsAtSwap);
        System.out.printf("hot swap: %d calls, 0 failed, policy versions served %s%n", calls.get(),
                served.stream().map(ModelRef::getVersion).sorted().toList());
    }

    private void announce(Checkpoint checkpoint) throws Exception {
        ModelVersion announcement = ModelVersion.newBuilder().setKind(ModelKind.MODEL_KIND_POLICY)
                .setVersion(checkpoint.version()).setStoreUri(checkpoint.directory().toUri().toString())
                .setSha256(checkpoint.manifest().files().get(CheckpointStore.WEIGHTS).sha256())
                .addParents(ModelRef.newBuilder().setKind(ModelKind.MODEL_KIND_SFT).setVersion(1)).build();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topic.MODEL_VERSIONS.topicName(),
                    "MODEL_KIND_POLICY".getBytes(StandardCharsets.UTF_8), announcement.toByteArray())).get(30, TimeUnit.SECONDS);
        }
    }
}
