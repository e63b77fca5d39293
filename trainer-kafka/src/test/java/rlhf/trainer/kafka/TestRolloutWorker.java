package rlhf.trainer.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import rlhf.model.generate.Generation;
import rlhf.model.generate.GenerationEngine;
import rlhf.model.generate.SamplingParams;
import rlhf.model.score.Scorer;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.LoadedCheckpoint;
import rlhf.model.tokenizer.PromptResponse;
import rlhf.policy.v1.Rollout;
import rlhf.policy.v1.RolloutRequest;
import rlhf.wire.ModelStoreLayout;
import rlhf.wire.Topic;

/**
 * Plays policy-service's rollout worker for the PPO tests, on the real broker: consumes {@code rlhf.prompts} from the
 * moment it starts, generates with the requested stored policy version (model/'s GenerationEngine), scores with the
 * newest stored reward model, publishes one {@code Rollout} per sample to {@code rlhf.rollouts}.
 */
final class TestRolloutWorker implements AutoCloseable {

    private final CheckpointStore store;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final Thread thread;
    private final Map<Long, LoadedCheckpoint> policies = new HashMap<>();
    private final AtomicInteger published = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;
    private LoadedCheckpoint reward;

    TestRolloutWorker(String bootstrapServers, CheckpointStore store) {
        this.store = store;
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topic.PROMPTS.topicName()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fix the start now: requests published from here on are ours
        this.thread = new Thread(this::loop, "test-rollout-worker");
        thread.setDaemon(true);
        thread.start();
    }

    int published() {
        return published.get();
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    answer(RolloutRequest.parseFrom(record.value()));
                }
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }

    private void answer(RolloutRequest request) throws Exception {
        LoadedCheckpoint policy = policies.computeIfAbsent(request.getPolicyVersion(),
                v -> store.load(ModelStoreLayout.POLICY, v.intValue()));
        if (reward == null) {
            reward = store.loadLatest(ModelStoreLayout.REWARD);
        }
        int[] prompt = PromptResponse.promptIds(policy.tokenizer(), request.getPrompt().getText());
        long started = System.nanoTime();
        List<Generation> generations = new GenerationEngine(policy.model(), policy.tokenizer().endOfTextId(), 8)
                .generate(List.of(prompt), SamplingParams.sampling(request.getSampling().getMaxNewTokens(), 1f,
                        request.getPromptId().hashCode()).withSamplesPerPrompt(request.getN()));
        double generationMs = (System.nanoTime() - started) / 1e6;
        List<Scorer.Example> examples = new ArrayList<>();
        generations.forEach(g -> examples.add(new Scorer.Example(prompt, g.tokens())));
        started = System.nanoTime();
        List<Scorer.Scores> scores = new Scorer(reward.model()).score(examples);
        double scoringMs = (System.nanoTime() - started) / 1e6;
        for (int i = 0; i < generations.size(); i++) {
            Rollout rollout = rollout(request, prompt, generations.get(i), scores.get(i).reward(), generationMs,
                    scoringMs);
            producer.send(new ProducerRecord<>(Topic.ROLLOUTS.topicName(), request.getPromptId(),
                    rollout.toByteArray())).get();
            published.incrementAndGet();
        }
    }

    private Rollout rollout(RolloutRequest request, int[] prompt, Generation g, float score, double generationMs,
            double scoringMs) {
        Rollout.Builder r = Rollout.newBuilder().setPromptId(request.getPromptId()).setSampleIndex(g.sampleIndex())
                .setPolicyVersion(request.getPolicyVersion()).setReward(score)
                .setRewardVersion(reward.checkpoint().version()).setIteration(request.getIteration())
                .setGenerationMs(generationMs).setScoringMs(scoringMs).putAllAttributes(request.getAttributesMap());
        for (int id : prompt) {
            r.addPromptTokenIds(id);
        }
        for (int t = 0; t < g.tokens().length; t++) {
            r.addResponseTokenIds(g.tokens()[t]).addLogProbs(g.logProbs()[t]);
        }
        return r.build();
    }

    /** A rollout of a long-gone policy version, straight onto the topic. */
    static Rollout stale(int[] prompt, int[] response) {
        Rollout.Builder r = Rollout.newBuilder().setPromptId("stale").setPolicyVersion(0).setIteration(0).setReward(1f);
        for (int id : prompt) {
            r.addPromptTokenIds(id);
        }
        for (int id : response) {
            r.addResponseTokenIds(id).addLogProbs(-1f);
        }
        return r.build();
    }

    void publish(Rollout rollout) throws Exception {
        producer.send(new ProducerRecord<>(Topic.ROLLOUTS.topicName(), rollout.getPromptId(), rollout.toByteArray()))
                .get();
    }

    /** Stops answering; rethrows what went wrong in the worker thread. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
        producer.close();
        policies.values().forEach(LoadedCheckpoint::close);
        if (reward != null) {
            reward.close();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("rollout worker failed", failure.get());
        }
    }
}
