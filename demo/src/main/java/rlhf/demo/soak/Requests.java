package rlhf.demo.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.SamplingParams;
import rlhf.policy.v1.GenerateRequest;
import rlhf.policy.v1.PolicyServiceGrpc;
import rlhf.reward.v1.PromptAnswer;
import rlhf.reward.v1.RewardServiceGrpc;
import rlhf.reward.v1.ScoreRequest;
import rlhf.reward.v1.TextPair;

/**
 * The four request kinds of a soak's client load, each one call through a service's public API as a client outside
 * the stack makes it: chat and comparisons at the gateway (REST, with the run's admin key), Generate and Score on the
 * policy and reward services' gRPC ports. Each call answers its {@link Outcome}; thread-safe.
 */
final class Requests implements AutoCloseable {

    /** Short prompts of the task world's kinds: they leave room for an answer in a tiny model's context. */
    private static final List<String> PROMPTS = List.of("What is 12 plus 7?", "Reverse the words: red fox",
            "Hi there!", "Name 3 colors.", "What is 9 minus 4?", "Rewrite politely: send it now.",
            "Translate to French: cat", "Is 7 odd?");
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The answer to one call: success, or the status that failed it. */
    record Outcome(boolean ok, String status) {
        static Outcome ok(String status) {
            return new Outcome(true, status);
        }

        static Outcome failed(String status) {
            return new Outcome(false, status);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String gateway;
    private final String gatewayKey;
    private final String runId;
    private final ManagedChannel policy;
    private final ManagedChannel reward;

    /** @param runId distinguishes this run's comparison ids from an earlier soak's on the same broker */
    Requests(int gatewayPort, String gatewayKey, int policyPort, int rewardPort, String runId) {
        this.gateway = "http://localhost:" + gatewayPort;
        this.gatewayKey = gatewayKey;
        this.runId = runId;
        this.policy = ManagedChannelBuilder.forAddress("localhost", policyPort).usePlaintext().build();
        this.reward = ManagedChannelBuilder.forAddress("localhost", rewardPort).usePlaintext().build();
    }

    /** Calls the request kind {@code kind} for the {@code i}-th time (i picks prompt, user, seed and id). */
    Outcome call(LoadKind kind, long i) {
        try {
            return switch (kind) {
                case CHAT -> chat(i);
                case COMPARISON -> comparison(i);
                case GENERATE -> generate(i);
                case SCORE -> score(i);
                case PPO_ITERATION -> throw new IllegalArgumentException("PPO iterations are driven by PpoDriver");
            };
        } catch (StatusRuntimeException e) {
            return Outcome.failed(e.getStatus().getCode().name());
        } catch (IOException e) {
            return Outcome.failed("io: " + e.getClass().getSimpleName());
        } catch (RuntimeException e) { // counted, not lost with the client's thread
            return Outcome.failed(e.getClass().getSimpleName());
        }
    }

    /** One user turn, one or two answers (two is what the chat page asks to compare). */
    private Outcome chat(long i) throws IOException {
        Map<String, Object> body = Map.of("conversationId", runId + "-c" + i, "userId", "soak-chat-" + i % 500,
                "n", 1 + (int) (i % 2), "seed", i, "messages", List.of(Map.of("role", "user", "content", prompt(i))));
        return post("/v1/chat", body, 200);
    }

    /** A labeler's 4-way ranking with a tie (the shape IngestBench submits), each under a new id. */
    private Outcome comparison(long i) throws IOException {
        List<Map<String, Object>> answers = List.of(Map.of("text", "Could you please send me the report " + i + "?",
                "likert", 7), Map.of("text", "Please send the report " + i + ".", "likert", 5),
                Map.of("text", "Send report " + i + " please, thanks a lot!", "likert", 5),
                Map.of("text", "No.", "likert", 1));
        Map<String, Object> body = Map.of("comparisonId", runId + "-" + i, "userId", "soak-user-" + i % 1000,
                "prompt", Map.of("text", "Rewrite politely: give me the report " + i + " now."), "answers", answers,
                "ranking", List.of(Map.of("answerIndexes", List.of(0)), Map.of("answerIndexes", List.of(1, 2)),
                        Map.of("answerIndexes", List.of(3))),
                "labelerId", "soak-labeler", "source", "soak");
        return post("/v1/comparisons", body, 202);
    }

    private Outcome generate(long i) {
        PolicyServiceGrpc.newBlockingStub(policy).withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .generate(GenerateRequest.newBuilder().setPrompt(Prompt.newBuilder().setText(prompt(i)))
                        .setSampling(SamplingParams.newBuilder().setMaxNewTokens(16).setTemperature(1f).setSeed(i))
                        .setN(1).build());
        return Outcome.ok("OK");
    }

    private Outcome score(long i) {
        RewardServiceGrpc.newBlockingStub(reward).withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .score(ScoreRequest.newBuilder().setItem(PromptAnswer.newBuilder().setText(TextPair.newBuilder()
                        .setPrompt(Prompt.newBuilder().setText(prompt(i))).setAnswer("Sure! " + (i % 100) + ".")))
                        .build());
        return Outcome.ok("OK");
    }

    private Outcome post(String path, Map<String, Object> body, int expected) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + path)).timeout(DEADLINE)
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + gatewayKey)
                .POST(HttpRequest.BodyPublishers.ofString(json(body))).build();
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == expected ? Outcome.ok(Integer.toString(status)) : Outcome.failed("HTTP " + status);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failed("interrupted");
        }
    }

    private static String json(Map<String, Object> body) throws JsonProcessingException {
        return JSON.writeValueAsString(body);
    }

    private static String prompt(long i) {
        return PROMPTS.get((int) (i % PROMPTS.size()));
    }

    @Override
    public void close() {
        policy.shutdownNow();
        reward.shutdownNow();
    }
}
