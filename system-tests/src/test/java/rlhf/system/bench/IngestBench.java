package rlhf.system.bench;

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

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import rlhf.common.v1.Prompt;
import rlhf.demo.LocalStack;
import rlhf.feedback.v1.Answer;
import rlhf.feedback.v1.Comparison;
import rlhf.feedback.v1.FeedbackServiceGrpc;
import rlhf.feedback.v1.SubmitRequest;
import rlhf.feedback.v1.SubmitStreamResponse;
import rlhf.feedback.v1.RankTier;
import rlhf.feedback.v1.Split;
import rlhf.wire.Topic;

/**
 * P5: ingest throughput of the feedback gateway on the embedded broker (acks=all, idempotent producer), measured in
 * one run so the ratios cancel the machine out:
 * <ol>
 * <li>raw Kafka producer throughput for records of a stored comparison's size: the limit;</li>
 * <li>bulk ingest through the gateway ({@code POST /v1/comparisons/batch}, 500 a batch, 2 in flight), and the same
 * over gRPC ({@code SubmitStream}, 500 messages a stream, 2 in flight);</li>
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
            System.out.printf(Locale.ROOT, "P5 ingest bench: %,d comparisons per measurement, embedded broker, "
                    + "acks=all, idempotent producers, %d cores%n", n, Runtime.getRuntime().availableProcessors());
            try (Client http = new Client(gateway.port(), stack.gatewayApiKey(),
                    Integer.getInteger("bench.single.in-flight", 32))) {
                warmUp(http, gateway.port(), stack.gatewayApiKey());
                CpuClock cpu = new CpuClock(stack.pid("feedback-gateway").orElseThrow());
                double raw = raw(stack.bootstrapServers(), n);
                String rawCpu = cpu.lap(n);
                long afterRaw = recordsOnTopic(stack.bootstrapServers());
                cpu.lap(1);
                Result bulk = bulk(http, n);
                String bulkCpu = cpu.lap(n);
                Result stream = stream(gateway.port(), stack.gatewayApiKey(), n);
                String streamCpu = cpu.lap(n);
                Result single = single(http, n / 4);
                String singleCpu = cpu.lap(n / 4);
                long added = recordsOnTopic(stack.bootstrapServers()) - afterRaw;
                System.out.printf(Locale.ROOT, "  raw producer          %,9.0f records/s (the limit)%s%n", raw, rawCpu);
                System.out.printf(Locale.ROOT, "  gateway bulk          %,9.0f comparisons/s = %.2f of raw (goal >= 0.5)%s%n",
                        bulk.perSecond(), bulk.perSecond() / raw, bulkCpu);
                System.out.printf(Locale.ROOT, "  gateway bulk gRPC     %,9.0f comparisons/s = %.2f of raw (goal >= 0.5; "
                        + "SubmitStream, %d a stream)%s%n", stream.perSecond(), stream.perSecond() / raw, BATCH, streamCpu);
                System.out.printf(Locale.ROOT, "  gateway single REST   %,9.0f comparisons/s (goal >= 2,000), latency p50 "
                        + "%.1f ms, p99 %.1f ms (goal < 50 ms)%s%n", single.perSecond(), single.p50Millis(),
                        single.p99Millis(), singleCpu);
                System.out.printf(Locale.ROOT, "  on the topic          %,d records for %,d acknowledged comparisons (%s)%n",
                        added, bulk.acknowledged() + stream.acknowledged() + single.acknowledged(),
                        added == bulk.acknowledged() + stream.acknowledged() + single.acknowledged() ? "equal"
                                : "NOT EQUAL");
            }
        } finally {
            stack.close();
        }
    }

    /**
     * CPU time spent per phase by the gateway process and by this JVM (the embedded broker and the bench client), per
     * record: where the machine's cores went, read from /proc (Linux) and the JVM's own process CPU time.
     */
    static final class CpuClock {
        private final long gatewayPid;
        private final double ticksPerSecond = 100; // USER_HZ: 100 on every Linux this runs on
        private double gateway;
        private double self;
        private long wall = System.nanoTime();

        CpuClock(long gatewayPid) {
            this.gatewayPid = gatewayPid;
            this.gateway = gatewaySeconds();
            this.self = selfSeconds();
        }

        /** Since the last lap: "; CPU per record: gateway x µs, broker + client y µs; z cores busy". */
        String lap(int records) {
            double g = gatewaySeconds();
            double b = selfSeconds();
            long now = System.nanoTime();
            double seconds = (now - wall) / 1e9;
            String text = String.format(Locale.ROOT, "%n                        CPU per record: gateway %.0f µs, broker + "
                    + "client %.0f µs; cores busy: gateway %.2f, broker + client %.2f", (g - gateway) / records * 1e6,
                    (b - self) / records * 1e6, (g - gateway) / seconds, (b - self) / seconds);
            gateway = g;
            self = b;
            wall = now;
            return text;
        }

        private double gatewaySeconds() {
            try {
                String stat = Files.readString(Path.of("/proc/" + gatewayPid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / ticksPerSecond; // utime, stime
            } catch (java.io.IOException | RuntimeException e) {
                return Double.NaN;
            }
        }

        private static double selfSeconds() {
            return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
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

    /**
     * Warms the gateway's JIT until its hot paths are compiled: with a short warm-up (1,500 comparisons) the C2
     * compiler thread was the gateway's busiest thread all through the bulk measurement.
     */
    private static void warmUp(Client http, int port, String key) throws Exception {
        int warm = Integer.getInteger("bench.warm-up", 40_000);
        bulk(http, warm, "warm");
        stream(port, key, warm / 2, "warm-stream");
        single(http, warm / 8, "warm-single");
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

    private static Result bulk(Client http, int n) throws Exception {
        return bulk(http, n, "bulk");
    }

    private static Result bulk(Client http, int n, String prefix) throws Exception {
        // the bodies are written before the clock starts: the client's JSON printing is not the gateway's work
        List<Buffer> bodies = new ArrayList<>();
        for (int from = 0; from < n; from += BATCH) {
            StringBuilder body = new StringBuilder("{\"comparisons\": [");
            for (int i = from; i < Math.min(n, from + BATCH); i++) {
                body.append(i == from ? "" : ",").append(json(comparison(prefix, i)));
            }
            bodies.add(Buffer.buffer(body.append("]}").toString()));
        }
        Semaphore inFlight = new Semaphore(Integer.getInteger("bench.bulk.in-flight", 4));
        AtomicInteger acknowledged = new AtomicInteger();
        List<CompletableFuture<?>> calls = new ArrayList<>();
        long start = System.nanoTime();
        for (Buffer body : bodies) {
            inFlight.acquire();
            calls.add(http.post("/v1/comparisons/batch", body).whenComplete((r, e) -> {
                inFlight.release();
                if (r != null && r.status() == 200) {
                    acknowledged.addAndGet(count(r.body(), "\"status\":202"));
                }
            }));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(acknowledged.get(), n / seconds, Double.NaN, Double.NaN);
    }

    /** Bulk over gRPC: {@code SubmitStream} calls of {@value #BATCH} messages, 2 in flight, on one channel. */
    private static Result stream(int port, String key, int n) throws Exception {
        return stream(port, key, n, "stream");
    }

    private static Result stream(int port, String key, int n, String prefix) throws Exception {
        List<List<SubmitRequest>> streams = new ArrayList<>();
        for (int from = 0; from < n; from += BATCH) {
            List<SubmitRequest> messages = new ArrayList<>(BATCH);
            for (int i = from; i < Math.min(n, from + BATCH); i++) {
                messages.add(SubmitRequest.newBuilder().setComparison(comparison(prefix, i)).build());
            }
            streams.add(messages);
        }
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        try {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
            FeedbackServiceGrpc.FeedbackServiceStub stub = FeedbackServiceGrpc.newStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            Semaphore inFlight = new Semaphore(Integer.getInteger("bench.bulk.in-flight", 4));
            AtomicInteger acknowledged = new AtomicInteger();
            List<CompletableFuture<?>> calls = new ArrayList<>();
            long start = System.nanoTime();
            for (List<SubmitRequest> messages : streams) {
                inFlight.acquire();
                CompletableFuture<SubmitStreamResponse> done = new CompletableFuture<>();
                StreamObserver<SubmitRequest> requests = stub.submitStream(new StreamObserver<>() {
                    @Override
                    public void onNext(SubmitStreamResponse value) {
                        acknowledged.addAndGet(value.getAccepted());
                        done.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
                messages.forEach(requests::onNext);
                requests.onCompleted();
                calls.add(done.whenComplete((r, e) -> inFlight.release()));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(acknowledged.get(), n / seconds, Double.NaN, Double.NaN);
        } finally {
            channel.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static Result single(Client http, int n) throws Exception {
        return single(http, n, "single");
    }

    private static Result single(Client http, int n, String prefix) throws Exception {
        Semaphore inFlight = new Semaphore(Integer.getInteger("bench.single.in-flight", 32));
        long[] latencies = new long[n];
        AtomicInteger acknowledged = new AtomicInteger();
        List<CompletableFuture<?>> calls = new ArrayList<>(n);
        Buffer[] bodies = new Buffer[n];
        for (int i = 0; i < n; i++) {
            bodies[i] = Buffer.buffer(json(comparison(prefix, i)));
        }
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            int index = i;
            long sent = System.nanoTime();
            calls.add(http.post("/v1/comparisons", bodies[i]).whenComplete((r, e) -> {
                latencies[index] = System.nanoTime() - sent;
                inFlight.release();
                if (r != null && r.status() == 202) {
                    acknowledged.incrementAndGet();
                }
            }));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        return new Result(acknowledged.get(), n / seconds, latencies[n / 2] / 1e6, latencies[(int) (n * 0.99)] / 1e6);
    }

    /** An answer: status and body. */
    record Reply(int status, String body) {
    }

    /**
     * The bench's HTTP/1.1 client: Vert.x on one event loop, keep-alive connections. (The JDK HttpClient spent more CPU
     * per request than the gateway did handling it, on the same 2 cores.)
     */
    static final class Client implements AutoCloseable {
        private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        private final HttpClient http;
        private final String authorization;

        Client(int port, String key, int connections) {
            this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("localhost").setDefaultPort(port)
                    .setKeepAlive(true).setMaxPoolSize(connections).setMaxWaitQueueSize(-1));
            this.authorization = "Bearer " + key;
        }

        CompletableFuture<Reply> post(String path, Buffer body) {
            CompletableFuture<Reply> reply = new CompletableFuture<>();
            http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
                            .putHeader("Content-Type", "application/json").putHeader("Authorization", authorization))
                    .compose(request -> request.send(body))
                    .compose(response -> response.body().map(b -> new Reply(response.statusCode(), b.toString())))
                    .onSuccess(reply::complete).onFailure(reply::completeExceptionally);
            return reply;
        }

        @Override
        public void close() {
            http.close();
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private static String json(Comparison c) throws com.google.protobuf.InvalidProtocolBufferException {
        return JsonFormat.printer().omittingInsignificantWhitespace().print(c);
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
