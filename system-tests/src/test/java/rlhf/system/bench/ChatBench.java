package rlhf.system.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import rlhf.common.v1.ChatMessage;
import rlhf.common.v1.Conversation;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.Role;
import rlhf.common.v1.SamplingParams;
import rlhf.demo.LocalStack;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.Lineage;
import rlhf.model.tokenizer.ByteTokenizer;
import rlhf.policy.v1.GenerateRequest;
import rlhf.policy.v1.GenerateStreamChunk;
import rlhf.policy.v1.PolicyServiceGrpc;

/**
 * The chat API's first-token overhead: time to the first streamed token through the gateway ({@code POST
 * /v1/chat/stream}, HTTP + JSON + the gateway's gRPC call) against policy-service's own {@code GenerateStream} for
 * the same conversation and sampling, measured alternately in one run on the packaged services (an SFT model of the
 * pipeline's default shape, 4 layers × width 128, random weights: the first-token time does not depend on them).
 *
 * <p>{@code ./mvnw -B -o install -DskipTests && ./mvnw -B -o -pl system-tests exec:exec@chat-bench [-Dchat.bench.n=200]}
 */
public final class ChatBench {

    private ChatBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.getInteger("bench.n", 200);
        Path root = Path.of(System.getProperty("rlhf.repo.root", "."));
        Path work = Files.createTempDirectory("rlhf-chat-bench");
        try (GptModel model = GptModel.create(new GptConfig(ByteTokenizer.VOCAB_SIZE, 128, 4, 4, 128, 0f), 1)) {
            new CheckpointStore(work.resolve("model-store")).publish("sft", model, new ByteTokenizer(), Lineage.none());
        }
        List<LocalStack.Service> services = List.of(new LocalStack.Service("policy-service", "policy-service",
                freePort()), new LocalStack.Service("feedback-gateway", "feedback-gateway", freePort()));
        try (LocalStack stack = LocalStack.start(root, work, 0, services)) {
            stack.awaitReady(Duration.ofMinutes(3), System.out::println);
            int policyPort = stack.portOf("policy-service").orElseThrow();
            URI gateway = URI.create("http://localhost:" + stack.portOf("feedback-gateway").orElseThrow()
                    + "/v1/chat/stream");
            ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", policyPort).usePlaintext().build();
            HttpClient http = HttpClient.newHttpClient();
            PolicyServiceGrpc.PolicyServiceBlockingStub policy = PolicyServiceGrpc.newBlockingStub(channel);
            List<Double> direct = new ArrayList<>();
            List<Double> viaGateway = new ArrayList<>();
            int warmup = 20;
            for (int i = -warmup; i < n; i++) {
                String question = "What is " + (i + warmup) % 50 + " plus 7?";
                double d = directFirstToken(policy, question, i);
                double g = gatewayFirstToken(http, gateway, stack.gatewayApiKey(), question, i);
                if (i >= 0) {
                    direct.add(d);
                    viaGateway.add(g);
                }
                if (i >= 0 && (i + 1) % 50 == 0) {
                    System.out.printf("%d / %d%n", i + 1, n);
                }
            }
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            System.out.printf(Locale.ROOT, "first streamed token, %d requests each, alternating (ms):%n", n);
            System.out.printf(Locale.ROOT, "  policy-service GenerateStream  p50 %.2f  p90 %.2f  p99 %.2f%n",
                    pct(direct, 50), pct(direct, 90), pct(direct, 99));
            System.out.printf(Locale.ROOT, "  gateway /v1/chat/stream        p50 %.2f  p90 %.2f  p99 %.2f%n",
                    pct(viaGateway, 50), pct(viaGateway, 90), pct(viaGateway, 99));
            System.out.printf(Locale.ROOT, "  gateway overhead at p50: +%.2f ms (ratio %.2f)%n",
                    pct(viaGateway, 50) - pct(direct, 50), pct(viaGateway, 50) / pct(direct, 50));
        }
    }

    private static Prompt prompt(String question) {
        return Prompt.newBuilder().setChat(Conversation.newBuilder().addMessages(ChatMessage.newBuilder()
                .setRole(Role.ROLE_USER).setContent(question))).build();
    }

    /** Milliseconds to the first chunk (a token, or the end of an answer that sampled end-of-text first). */
    private static double directFirstToken(PolicyServiceGrpc.PolicyServiceBlockingStub policy, String question,
            long seed) {
        long start = System.nanoTime();
        Iterator<GenerateStreamChunk> chunks = policy.withDeadlineAfter(30, TimeUnit.SECONDS).generateStream(
                GenerateRequest.newBuilder().setPrompt(prompt(question)).setN(1).setSampling(SamplingParams
                        .newBuilder().setTemperature(1f).setMaxNewTokens(64).setSeed(seed & 0xffff)).build());
        double first = -1;
        while (chunks.hasNext()) {
            GenerateStreamChunk c = chunks.next();
            if (first < 0) {
                first = (System.nanoTime() - start) / 1e6;
            }
        }
        return first;
    }

    /** Milliseconds to the first {@code token} (or, for an answer that ended at once, {@code answer}) event. */
    private static double gatewayFirstToken(HttpClient http, URI uri, String key, String question, long seed)
            throws Exception {
        String body = "{\"conversationId\":\"bench-" + (seed & 0xffff) + "\",\"userId\":\"bench-user-" + (seed & 7)
                + "\",\"n\":1,\"seed\":" + (seed & 0xffff) + ",\"messages\":[{\"role\":\"user\",\"content\":\""
                + question + "\"}]}";
        long start = System.nanoTime();
        HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("Accept", "text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        double first = -1;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null;) {
                if (first < 0 && line.startsWith("data:") && (line.contains("\"type\":\"token\"")
                        || line.contains("\"type\":\"answer\""))) {
                    first = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        if (response.statusCode() != 200 || first < 0) {
            throw new IllegalStateException("gateway answered " + response.statusCode() + " without a token or answer");
        }
        return first;
    }

    private static double pct(List<Double> values, int p) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
