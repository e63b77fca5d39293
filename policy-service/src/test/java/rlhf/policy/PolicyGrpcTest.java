package rlhf.policy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.containsString;

import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import rlhf.common.v1.ChatMessage;
import rlhf.common.v1.Conversation;
import rlhf.common.v1.ModelKind;
import rlhf.common.v1.ModelRef;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.Role;
import rlhf.common.v1.SamplingParams;
import rlhf.kafka.KafkaTestResource;
import rlhf.model.score.Scorer;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.LoadedCheckpoint;
import rlhf.model.tokenizer.ByteTokenizer;
import rlhf.model.tokenizer.PromptResponse;
import rlhf.model.v1.ModelVersion;
import rlhf.policy.v1.BestOfNRequest;
import rlhf.policy.v1.BestOfNResponse;
import rlhf.policy.v1.Completion;
import rlhf.policy.v1.FinishReason;
import rlhf.policy.v1.GenerateRequest;
import rlhf.policy.v1.GenerateResponse;
import rlhf.policy.v1.GenerateStreamChunk;
import rlhf.policy.v1.ListModelsRequest;
import rlhf.policy.v1.ListModelsResponse;
import rlhf.policy.v1.LogProbDistribution;
import rlhf.policy.v1.PolicyServiceGrpc;
import rlhf.policy.v1.ScoredCompletion;
import rlhf.service.testing.ServiceProbes;

/** PolicyService over a real gRPC port: sampling, streaming, validation, versions, best-of-n, deadlines, metrics. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PolicyTestEnvironment.class)
class PolicyGrpcTest {

    private static final String QUESTION = "What is 2 plus 3?";
    private static final ModelRef POLICY_V1 = ModelRef.newBuilder().setKind(ModelKind.MODEL_KIND_POLICY).setVersion(1).build();

    @TestHTTPResource("/")
    URL root;

    @ConfigProperty(name = "rlhf.policy.model-store")
    String modelStore;

    private ManagedChannel channel;
    private PolicyServiceGrpc.PolicyServiceBlockingStub policy;

    @BeforeEach
    void connect() {
        channel = ServiceProbes.channel(root.getPort());
        policy = PolicyServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private PolicyServiceGrpc.PolicyServiceBlockingStub stub() {
        return policy.withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    private static GenerateRequest.Builder request(int n, long seed, int maxNewTokens) {
        return GenerateRequest.newBuilder().setPrompt(Prompt.newBuilder().setText(QUESTION)).setN(n).setModel(POLICY_V1)
                .setSampling(SamplingParams.newBuilder().setSeed(seed).setMaxNewTokens(maxNewTokens).setTemperature(1f));
    }

    @Test
    void generateReturnsNSamplesWithTheRawLogProbsOfThePolicy() {
        GenerateResponse response = stub().generate(request(3, 42, 12).build());

        assertThat(response.getModel()).isEqualTo(POLICY_V1);
        assertThat(response.getLogProbDistribution()).isEqualTo(LogProbDistribution.LOG_PROB_DISTRIBUTION_RAW);
        ByteTokenizer tokenizer = new ByteTokenizer();
        int[] promptIds = PromptResponse.promptIds(tokenizer, QUESTION);
        assertThat(response.getPromptTokenIdsList()).containsExactlyElementsOf(boxed(promptIds));
        assertThat(response.getCompletionsList()).hasSize(3);
        List<Scorer.Example> examples = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Completion c = response.getCompletions(i);
            assertThat(c.getIndex()).isEqualTo(i);
            assertThat(c.getTokenIdsCount()).isBetween(1, 12).isEqualTo(c.getLogProbsCount());
            int[] ids = c.getTokenIdsList().stream().mapToInt(Integer::intValue).toArray();
            assertThat(c.getText()).isEqualTo(PromptResponse.answerText(tokenizer, ids));
            boolean endOfText = ids[ids.length - 1] == ByteTokenizer.END_OF_TEXT;
            assertThat(c.getFinishReason()).isEqualTo(endOfText ? FinishReason.FINISH_REASON_END_OF_TEXT
                    : FinishReason.FINISH_REASON_LENGTH);
            if (!endOfText) {
                assertThat(ids).hasSize(12);
            }
            examples.add(new Scorer.Example(promptIds, ids));
        }
        try (LoadedCheckpoint checkpoint = new CheckpointStore(Path.of(modelStore)).load("policy", 1)) {
            List<Scorer.Scores> teacherForced = new Scorer(checkpoint.model()).score(examples);
            for (int i = 0; i < 3; i++) {
                List<Float> served = response.getCompletions(i).getLogProbsList();
                float[] expected = teacherForced.get(i).logProbs();
                for (int t = 0; t < expected.length; t++) {
                    assertThat(served.get(t)).as("sample %d token %d", i, t).isCloseTo(expected[t], within(1e-4f));
                }
            }
        }
    }

    @Test
    void seededRequestsAreReproducibleAndStreamTheSameTokens() {
        GenerateRequest request = request(2, 1234, 10).build();
        GenerateResponse first = stub().generate(request);
        GenerateResponse second = stub().generate(request);
        assertThat(second.getCompletionsList()).isEqualTo(first.getCompletionsList());

        Map<Integer, List<Integer>> streamedIds = new HashMap<>();
        Map<Integer, List<Float>> streamedLogProbs = new HashMap<>();
        Map<Integer, StringBuilder> streamedText = new HashMap<>();
        Map<Integer, FinishReason> finished = new HashMap<>();
        Iterator<GenerateStreamChunk> chunks = stub().generateStream(request);
        while (chunks.hasNext()) {
            GenerateStreamChunk chunk = chunks.next();
            assertThat(chunk.getModel()).isEqualTo(POLICY_V1);
            assertThat(finished).as("no chunk after the end of sample %d", chunk.getIndex()).doesNotContainKey(chunk.getIndex());
            streamedText.computeIfAbsent(chunk.getIndex(), k -> new StringBuilder()).append(chunk.getTextDelta());
            if (chunk.getFinished()) {
                assertThat(chunk.getTokenId()).isEqualTo(-1);
                finished.put(chunk.getIndex(), chunk.getFinishReason());
            } else {
                streamedIds.computeIfAbsent(chunk.getIndex(), k -> new ArrayList<>()).add(chunk.getTokenId());
                streamedLogProbs.computeIfAbsent(chunk.getIndex(), k -> new ArrayList<>()).add(chunk.getLogProb());
            }
        }
        for (Completion c : first.getCompletionsList()) {
            assertThat(streamedIds.get(c.getIndex())).isEqualTo(c.getTokenIdsList());
            assertThat(streamedLogProbs.get(c.getIndex())).isEqualTo(c.getLogProbsList());
            assertThat(streamedText.get(c.getIndex()).toString()).isEqualTo(c.getText());
            assertThat(finished.get(c.getIndex())).isEqualTo(c.getFinishReason());
        }
    }

    @Test
    void stopStringsEndTheSampleAndStayOutOfTheText() {
        GenerateResponse free = stub().generate(request(1, 99, 20).build());
        String text = free.getCompletions(0).getText();
        String stop = null;
        for (int i = 1; i + 1 < text.length(); i++) { // a stop string that appears mid-answer, first at i
            String candidate = text.substring(i, i + 1);
            if (text.indexOf(candidate) == i && !candidate.equals("\uFFFD")) {
                stop = candidate;
                break;
            }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(stop != null, "the sampled answer has a usable stop string");
        GenerateRequest.Builder stopped = request(1, 99, 20);
        stopped.getSamplingBuilder().addStop(stop);
        Completion c = stub().generate(stopped.build()).getCompletions(0);
        assertThat(c.getFinishReason()).isEqualTo(FinishReason.FINISH_REASON_STOP_SEQUENCE);
        assertThat(c.getText()).isEqualTo(text.substring(0, text.indexOf(stop)));
    }

    @Test
    void samplingLogProbsOfGreedyDecodingAreZero() {
        GenerateRequest.Builder greedy = request(1, 1, 5).setLogProbDistribution(LogProbDistribution.LOG_PROB_DISTRIBUTION_SAMPLING);
        greedy.getSamplingBuilder().setTemperature(0f);
        GenerateResponse response = stub().generate(greedy.build());
        assertThat(response.getLogProbDistribution()).isEqualTo(LogProbDistribution.LOG_PROB_DISTRIBUTION_SAMPLING);
        assertThat(response.getCompletions(0).getLogProbsList()).allSatisfy(lp -> assertThat(lp).isEqualTo(0f));
    }

    @Test
    void chatPromptsUseTheChatTemplate() {
        GenerateRequest chat = GenerateRequest.newBuilder().setModel(POLICY_V1)
                .setSampling(SamplingParams.newBuilder().setMaxNewTokens(3).setSeed(5))
                .setPrompt(Prompt.newBuilder().setChat(Conversation.newBuilder()
                        .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_SYSTEM).setContent("Be brief."))
                        .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_USER).setContent("Hi"))))
                .build();
        GenerateResponse response = stub().generate(chat);
        ByteTokenizer tokenizer = new ByteTokenizer();
        int[] expected = PromptResponse.promptIds(tokenizer, List.of(rlhf.model.tokenizer.ChatMessage.system("Be brief."),
                rlhf.model.tokenizer.ChatMessage.user("Hi")));
        assertThat(response.getPromptTokenIdsList()).containsExactlyElementsOf(boxed(expected));
    }

    @Test
    void badRequestsAreInvalidArgumentNamingTheField() {
        assertInvalid(withSampling(SamplingParams.newBuilder().setTemperature(-1f)), "sampling.temperature");
        assertInvalid(withSampling(SamplingParams.newBuilder().setTopP(1.5f)), "sampling.top_p");
        assertInvalid(withSampling(SamplingParams.newBuilder().setTopP(0f)), "sampling.top_p");
        assertInvalid(withSampling(SamplingParams.newBuilder().setTopK(-1)), "sampling.top_k");
        assertInvalid(withSampling(SamplingParams.newBuilder().setMaxNewTokens(5000)), "sampling.max_new_tokens: 5000 > max");
        assertInvalid(withSampling(SamplingParams.newBuilder().addStop("")), "sampling.stop[0]");
        assertInvalid(request(100, 1, 4).build(), "n: 100 > max 16");
        assertInvalid(request(-1, 1, 4).build(), "n:");
        String longText = "x".repeat(120);
        int promptTokens = PromptResponse.promptIds(new ByteTokenizer(), longText).length;
        assertInvalid(request(1, 1, 64).setPrompt(Prompt.newBuilder().setText(longText)).build(),
                "prompt: " + promptTokens + " tokens + 64 new tokens > context " + PolicyTestEnvironment.CONTEXT);
        assertInvalid(request(1, 1, 4).clearPrompt().build(), "prompt: required");
        assertInvalid(request(1, 1, 4).setPrompt(Prompt.newBuilder().setText("")).build(), "prompt.text: empty");
        assertInvalid(request(1, 1, 4).setPrompt(Prompt.newBuilder().setChat(Conversation.newBuilder()
                .addMessages(ChatMessage.newBuilder().setContent("no role")))).build(), "prompt.chat.messages[0].role");
        assertInvalid(request(1, 1, 4).setModel(ModelRef.newBuilder().setKind(ModelKind.MODEL_KIND_REWARD).setVersion(1))
                .build(), "model.kind");
        assertThatThrownBy(() -> stub().bestOfN(BestOfNRequest.newBuilder().setPrompt(Prompt.newBuilder().setText("q"))
                .setN(1).build())).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("n: 1 < min 2");
                });
    }

    @Test
    void theRawGrpcMessageIsTheDescriptionAsTheSpecEncodesIt() throws Exception {
        // What grpc-js, grpc-dotnet or grpcurl decode: printable ASCII travels as it is (the Vert.x server alone would
        // send prompt%3A%20required%20%28set%20text%20or%20chat%29).
        Map<String, String> wire = ServiceProbes.rawGrpcHeadersAndTrailers(root.getPort(),
                "/rlhf.policy.v1.PolicyService/Generate", request(1, 1, 4).clearPrompt().build().toByteArray());
        assertThat(wire).containsEntry("grpc-status", "3").containsEntry("grpc-message", "prompt: required (set text or chat)");
    }

    @Test
    void hostileSizesAreRefusedNamingTheFieldOrTheLimitAndTheServiceStaysHealthy() throws Exception {
        // issue 17's cases: a 0.8 MB prompt (inside the 4 MiB transport limit: the prompt bound answers) and 10,000
        // stop sequences; then a message above the transport limit, and the other repeated fields
        assertInvalid(request(1, 1, 4).setPrompt(Prompt.newBuilder().setText("x".repeat(800_000))).build(),
                "prompt.text: 800000 characters > max 100000 (rlhf.policy.max-prompt-chars)");
        SamplingParams.Builder manyStops = SamplingParams.newBuilder().setSeed(1).setMaxNewTokens(4);
        for (int i = 0; i < 10_000; i++) {
            manyStops.addStop("stop " + i);
        }
        assertInvalid(withSampling(manyStops), "sampling.stop: 10000 sequences > max 16 (rlhf.policy.max-stop-sequences)");
        assertInvalid(withSampling(SamplingParams.newBuilder().addStop("s".repeat(300))),
                "sampling.stop[0]: 300 characters > max 256 (rlhf.policy.max-stop-chars)");
        Conversation.Builder longChat = Conversation.newBuilder();
        for (int i = 0; i < 1_000; i++) {
            longChat.addMessages(ChatMessage.newBuilder().setRole(i % 2 == 0 ? Role.ROLE_USER : Role.ROLE_ASSISTANT)
                    .setContent("turn " + i));
        }
        assertInvalid(request(1, 1, 4).setPrompt(Prompt.newBuilder().setChat(longChat)).build(),
                "prompt.chat.messages: 1000 messages > max 256 (rlhf.policy.max-chat-messages)");
        assertThatThrownBy(() -> stub().generate(request(1, 1, 4).setPrompt(Prompt.newBuilder()
                .setText("x".repeat(5_000_000))).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).isEqualTo("request message larger than 4194304 bytes "
                            + "(quarkus.grpc.server.max-inbound-message-size)");
                });

        assertThat(ServiceProbes.grpcHealth(root.getPort(), "rlhf.policy.v1.PolicyService"))
                .isEqualTo(grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus.SERVING);
        given().when().get("/q/health/live").then().statusCode(200);
        assertThat(stub().generate(request(1, 1, 2).build()).getCompletionsCount()).isEqualTo(1);
    }

    private static GenerateRequest withSampling(SamplingParams.Builder sampling) {
        return request(1, 1, 4).setSampling(sampling).build();
    }

    private void assertInvalid(GenerateRequest request, String description) {
        assertThatThrownBy(() -> stub().generate(request)).as(description)
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains(description);
                });
    }

    @Test
    void unknownVersionIsNotFound() {
        assertThatThrownBy(() -> stub().generate(request(1, 1, 4)
                .setModel(ModelRef.newBuilder().setKind(ModelKind.MODEL_KIND_POLICY).setVersion(99)).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).contains("policy/v99");
                });
        assertThatThrownBy(() -> stub().generate(request(1, 1, 4)
                .setModel(ModelRef.newBuilder().setKind(ModelKind.MODEL_KIND_BASE)).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void aStoredSftVersionIsServedOnRequest() {
        GenerateResponse response = stub().generate(request(1, 3, 4)
                .setModel(ModelRef.newBuilder().setKind(ModelKind.MODEL_KIND_SFT)).build());
        assertThat(response.getModel()).isEqualTo(ModelRef.newBuilder().setKind(ModelKind.MODEL_KIND_SFT).setVersion(1).build());
    }

    @Test
    void listModelsShowsStoredVersionsWithLineageAndTheServedOne() {
        ListModelsResponse all = stub().listModels(ListModelsRequest.getDefaultInstance());
        assertThat(all.getServing().getKind()).isEqualTo(ModelKind.MODEL_KIND_POLICY);
        assertThat(all.getServing().getVersion()).isGreaterThanOrEqualTo(1);
        ModelVersion policyV1 = all.getVersionsList().stream()
                .filter(v -> v.getKind() == ModelKind.MODEL_KIND_POLICY && v.getVersion() == 1).findFirst().orElseThrow();
        assertThat(policyV1.getParentsList()).containsExactly(ModelRef.newBuilder().setKind(ModelKind.MODEL_KIND_SFT)
                .setVersion(1).build());
        assertThat(policyV1.getDatasets(0).getName()).isEqualTo("tiny-prompts");
        assertThat(policyV1.getMetricsMap()).containsEntry("ppo.kl_to_sft", 0.5);
        assertThat(policyV1.getSha256()).hasSize(64);
        assertThat(policyV1.getStoreUri()).startsWith("file:").endsWith("/policy/v1/");
        assertThat(policyV1.getCreatedAt().getSeconds()).isPositive();
        assertThat(policyV1.getParameterCount()).isPositive();
        assertThat(all.getVersionsList()).anySatisfy(v -> {
            assertThat(v.getKind()).isEqualTo(ModelKind.MODEL_KIND_SFT);
            assertThat(v.getVersion()).isEqualTo(1);
        });

        ListModelsResponse sftOnly = stub().listModels(ListModelsRequest.newBuilder().setKind(ModelKind.MODEL_KIND_SFT).build());
        assertThat(sftOnly.getVersionsList()).extracting(ModelVersion::getKind).containsOnly(ModelKind.MODEL_KIND_SFT);
    }

    @Test
    void bestOfNReturnsTheHighestRewardWithEveryScore() {
        BestOfNResponse response = stub().bestOfN(BestOfNRequest.newBuilder().setPrompt(Prompt.newBuilder().setText(QUESTION))
                .setN(6).setModel(POLICY_V1)
                .setSampling(SamplingParams.newBuilder().setSeed(7).setMaxNewTokens(30).setTemperature(1.5f)).build());
        assertThat(response.getCandidatesList()).hasSize(6);
        assertThat(response.getRewardVersion()).isEqualTo(FakeRewardService.NEWEST);
        assertThat(response.getModel()).isEqualTo(POLICY_V1);
        float best = Float.NEGATIVE_INFINITY;
        int bestIndex = -1;
        for (int i = 0; i < 6; i++) {
            ScoredCompletion c = response.getCandidates(i);
            assertThat(c.getCompletion().getIndex()).isEqualTo(i);
            long length = c.getCompletion().getTokenIdsList().stream().filter(id -> id != ByteTokenizer.END_OF_TEXT).count();
            assertThat(c.getReward()).isEqualTo((float) length);
            if (c.getReward() > best) {
                best = c.getReward();
                bestIndex = i;
            }
        }
        assertThat(response.getBestIndex()).isEqualTo(bestIndex);
    }

    @Test
    void aCallerThatGaveUpGetsDeadlineExceededAndItsWorkIsAbandoned() throws InterruptedException {
        stub().listModels(ListModelsRequest.getDefaultInstance()); // connected: the deadline below is all server time
        double before = abandonedSoFar();
        GenerateRequest heavy = request(16, 5, 100).build();
        assertThatThrownBy(() -> policy.withDeadlineAfter(30, TimeUnit.MILLISECONDS).generate(heavy))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (abandonedSoFar() <= before && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(abandonedSoFar()).isGreaterThan(before);
        stub().generate(request(1, 1, 2).build()); // the service goes on serving
    }

    private static double abandonedSoFar() {
        return metric("rlhf_policy_abandoned_total");
    }

    @Test
    void concurrentUnseededRequestsShareEngineCalls() throws Exception {
        double requestsBefore = metric("rlhf_policy_batch_requests_sum");
        double batchesBefore = metric("rlhf_policy_batch_requests_count");
        PolicyServiceGrpc.PolicyServiceFutureStub async = PolicyServiceGrpc.newFutureStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        GenerateRequest unseeded = GenerateRequest.newBuilder().setPrompt(Prompt.newBuilder().setText(QUESTION)).setN(2)
                .setModel(POLICY_V1).setSampling(SamplingParams.newBuilder().setMaxNewTokens(32)).build();
        long start = System.nanoTime();
        List<com.google.common.util.concurrent.ListenableFuture<GenerateResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            calls.add(async.generate(unseeded));
        }
        int tokens = 0;
        for (var call : calls) {
            tokens += call.get(60, TimeUnit.SECONDS).getCompletionsList().stream().mapToInt(Completion::getTokenIdsCount).sum();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double requests = metric("rlhf_policy_batch_requests_sum") - requestsBefore;
        double batches = metric("rlhf_policy_batch_requests_count") - batchesBefore;
        System.out.printf("batching: 12 concurrent requests (n=2) in %.0f batches, %d tokens in %.2f s (%.0f tokens/s)%n",
                batches, tokens, seconds, tokens / seconds);
        assertThat(requests).isEqualTo(12);
        assertThat(batches).as("batches for 12 concurrent requests").isLessThan(12);
    }

    private static double metric(String name) {
        String metrics = given().accept("text/plain").when().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(
                l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(0);
    }

    @Test
    void metricsInPrometheusForm() {
        stub().generate(request(2, 1, 3).build());
        given().when().get("/q/health/ready").then().statusCode(200).body(containsString("policy-model"));
        given().accept("text/plain").when().get("/q/metrics").then().statusCode(200)
                .body(containsString("# TYPE rlhf_policy_generated_tokens_total counter"))
                .body(containsString("rlhf_policy_generation_seconds_count"))
                .body(containsString("rlhf_policy_batch_size_count"))
                .body(containsString("rlhf_policy_batch_size_sum"))
                .body(containsString("rlhf_policy_batch_requests_count"))
                .body(containsString("# TYPE rlhf_policy_version gauge"))
                .body(containsString("# TYPE rlhf_policy_versions_loaded gauge"))
                .body(containsString("rlhf_policy_latency_seconds_count{code=\"OK\",rpc=\"Generate\""))
                .body(containsString("# TYPE rlhf_policy_abandoned_total counter"))
                .body(containsString("rlhf_rollout_generation_seconds_count"))
                .body(containsString("rlhf_rollout_scoring_seconds_count"))
                .body(containsString("# TYPE rlhf_rollouts_total counter"))
                .body(containsString("rlhf_rollout_dead_letters_total{error_class=\"INVALID_PAYLOAD\""));
    }

    static List<Integer> boxed(int[] ids) {
        return java.util.Arrays.stream(ids).boxed().toList();
    }
}
