package rlhf.system.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.google.protobuf.util.JsonFormat;

import rlhf.common.v1.Prompt;
import rlhf.demo.LocalStack;
import rlhf.feedback.v1.Answer;
import rlhf.feedback.v1.Comparison;
import rlhf.feedback.v1.RankTier;
import rlhf.feedback.v1.Split;
import rlhf.wire.Topic;

/**
 * P5: ingest throughput of the feedback gateway on the embedded broker (acks=all, idempotent producer), measured in
 * one run so the ratios cancel the machine out:
 * <ol>
 * <li>raw Kafka producer throughput for records of a stored comparison's size: the limit;</li>
 * <li>bulk ingest through the gateway ({@code POST /v1/comparisons/batch}, 500 a batch, 2 in flight);</li>
 * <li>single REST submissions ({@code POST /v1/comparisons}, 32 in flight): rate and p50 / p99 latency;</li>
 * <li>the records on the topic against the comparisons acknowledged.</li>
 * </ol>
 * The gateway runs as its packaged app in its own process, like in production.
 *
 * <pre>
 * ./mvnw -B -o install -DskipTests &amp;&amp; ./mvnw -B -o -pl system-tests exec:exec@bench [-Dbench.n=20000]
 * </pre>
 */
public final class IngestBench {

    private static final int BATCH = 500;

    private IngestBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.n", 20_000);
        Path root = Path.of(System.getProperty("rlhf.repo.root", ".")).toAbsolutePath();
        Path work = Files.createTempDirectory("p5-bench");
        LocalStack.Service gateway = new LocalStack.Service("feedback-gateway", "feedback-gateway", 18084);
        LocalStack stack = LocalStack.start(root, work, 0, List.of(gateway));
        try {
            stack.awaitReady(Duration.ofMinutes(2), line -> { });
            String url = "http://localhost:" + gateway.port();
            String key = stack.gatewayApiKey();
            System.out.printf(Locale.ROOT, "P5 ingest bench: %,d comparisons per measurement, embedded broker, "
                    + "acks=all, idempotent producers, %d cores%n", n, Runtime.getRuntime().availableProcessors());
            warmUp(url, key);
            double raw = raw(stack.bootstrapServers(), n);
            long afterRaw = recordsOnTopic(stack.bootstrapServers());
            Result bulk = bulk(url, key, n);
            Result single = single(url, key, n / 4);
            long added = recordsOnTopic(stack.bootstrapServers()) - afterRaw;
            System.out.printf(Locale.ROOT, "  raw producer          %,9.0f records/s (the limit)%n", raw);
            System.out.printf(Locale.ROOT, "  gateway bulk          %,9.0f comparisons/s = %.2f of raw (goal >= 0.5)%n",
                    bulk.perSecond(), bulk.perSecond() / raw);
            System.out.printf(Locale.ROOT, "  gateway single REST   %,9.0f comparisons/s (goal >= 2,000), latency p50 "
                    + "%.1f ms, p99 %.1f ms (goal < 50 ms)%n", single.perSecond(), single.p50Millis(),
                    single.p99Millis());
            System.out.printf(Locale.ROOT, "  on the topic          %,d records for %,d acknowledged comparisons (%s)%n",
                    added, bulk.acknowledged() + single.acknowledged(),
                    added == bulk.acknowledged() + single.acknowledged() ? "equal" : "NOT EQUAL");
        } finally {
            stack.close();
        }
    }

    /** Throughput and latencies of one measurement. */
    record Result(int acknowledged, double perSecond, double p50Millis, double p99Millis) {
    }

    /** A comparison of the usual shape: a one-line prompt, four short answers, three tiers. */
    public static Comparison comparison(String prefix, int i) {
        return Comparison.newBuilder().setComparisonId(prefix + "-" + i).setUserId("bench-user-" + i)
                .setPrompt(Prompt.newBuilder().setText("Rewrite politely: give me the report " + i + " now."))
                .addAnswers(Answer.newBuilder().setText("Could you please send me the report " + i + "?").setLikert(7))
                .addAnswers(Answer.newBuilder().setText("Please send the report " + i + ".").setLikert(5))
                .addAnswers(Answer.newBuilder().setText("Send report " + i + " please, thanks a lot!").setLikert(5))
                .addAnswers(Answer.newBuilder().setText("No.").setLikert(1))
                .addRanking(RankTier.newBuilder().addAnswerIndexes(0))
                .addRanking(RankTier.newBuilder().addAnswerIndexes(1).addAnswerIndexes(2))
                .addRanking(RankTier.newBuilder().addAnswerIndexes(3))
                .setLabelerId("bench-labeler").setSource("bench").build();
    }

    private static void warmUp(String url, String key) throws Exception {
        bulk(url, key, 2 * BATCH, "warm");
        single(url, key, 500, "warm-single");
    }

    private static double raw(String bootstrap, int n) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            // the same partitions and replication as rlhf.comparisons, without the gateway in front
            admin.createTopics(List.of(new NewTopic("rlhf.bench-raw", Topic.COMPARISONS.partitions(), (short) 1)))
                    .all().get();
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 1),
                new StringSerializer(), new ByteArraySerializer())) {
            List<CompletableFuture<Void>> acks = new ArrayList<>(n);
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Comparison c = comparison("raw", i).toBuilder().setSplit(Split.SPLIT_TRAIN).build();
                CompletableFuture<Void> ack = new CompletableFuture<>();
                producer.send(new ProducerRecord<>("rlhf.bench-raw", c.getComparisonId(), c.toByteArray()),
                        (m, e) -> {
                            if (e == null) {
                                ack.complete(null);
                            } else {
                                ack.completeExceptionally(e);
                            }
                        });
                acks.add(ack);
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static Result bulk(String url, String key, int n) throws Exception {
        return bulk(url, key, n, "bulk");
    }

    private static Result bulk(String url, String key, int n, String prefix) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Semaphore inFlight = new Semaphore(2);
        AtomicInteger acknowledged = new AtomicInteger();
        List<CompletableFuture<?>> calls = new ArrayList<>();
        long start = System.nanoTime();
        for (int from = 0; from < n; from += BATCH) {
            StringBuilder body = new StringBuilder("{\"comparisons\": [");
            for (int i = from; i < Math.min(n, from + BATCH); i++) {
                body.append(i == from ? "" : ",").append(JsonFormat.printer().omittingInsignificantWhitespace()
                        .print(comparison(prefix, i)));
            }
            body.append("]}");
            inFlight.acquire();
            calls.add(http.sendAsync(post(url + "/v1/comparisons/batch", key, body.toString()),
                    HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                        inFlight.release();
                        if (r != null && r.statusCode() == 200) {
                            acknowledged.addAndGet(count(r.body(), "\"status\":202"));
                        }
                    }));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(acknowledged.get(), n / seconds, Double.NaN, Double.NaN);
    }

    private static Result single(String url, String key, int n) throws Exception {
        return single(url, key, n, "single");
    }

    private static Result single(String url, String key, int n, String prefix) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Semaphore inFlight = new Semaphore(Integer.getInteger("bench.single.in-flight", 32));
        long[] latencies = new long[n];
        AtomicInteger acknowledged = new AtomicInteger();
        List<CompletableFuture<?>> calls = new ArrayList<>(n);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            String body = JsonFormat.printer().omittingInsignificantWhitespace().print(comparison(prefix, i));
            inFlight.acquire();
            int index = i;
            long sent = System.nanoTime();
            calls.add(http.sendAsync(post(url + "/v1/comparisons", key, body), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> {
                        latencies[index] = System.nanoTime() - sent;
                        inFlight.release();
                        if (r != null && r.statusCode() == 202) {
                            acknowledged.incrementAndGet();
                        }
                    }));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        return new Result(acknowledged.get(), n / seconds, latencies[n / 2] / 1e6, latencies[(int) (n * 0.99)] / 1e6);
    }

    private static HttpRequest post(String url, String key, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key).timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }

    private static long recordsOnTopic(String bootstrap) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topic.COMPARISONS.topicName()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
