package rlhf.reward.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import java.net.URL;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import rlhf.common.v1.ChatMessage;
import rlhf.common.v1.Conversation;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.Role;
import rlhf.kafka.KafkaTestResource;
import rlhf.reward.testing.RewardClient;
import rlhf.reward.testing.RewardStoreResource;
import rlhf.reward.v1.CompareRequest;
import rlhf.reward.v1.CompareResponse;
import rlhf.reward.v1.PromptAnswer;
import rlhf.reward.v1.RewardServiceGrpc.RewardServiceBlockingStub;
import rlhf.reward.v1.ScoreBatchRequest;
import rlhf.reward.v1.ScoreRequest;
import rlhf.reward.v1.TextPair;
import rlhf.service.testing.ServiceProbes;

/**
 * Bad input is INVALID_ARGUMENT with a description naming the field, and changes nothing: no item of a rejected
 * call reaches a forward pass.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(RewardStoreResource.class)
class RewardValidationGrpcTest {

    @TestHTTPResource("/")
    URL root;

    private RewardClient client;

    @BeforeEach
    void connect() {
        client = new RewardClient(root.getPort());
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        client.close();
    }

    /** A named bad call and the start of the description it must get. */
    record Case(String name, Function<RewardServiceBlockingStub, Object> call, String description) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> badCalls() {
        return Stream.of(
                bad("score without item", s -> s.score(ScoreRequest.getDefaultInstance()), "item: required"),
                bad("item with neither text nor tokens", s -> score(s, PromptAnswer.getDefaultInstance()),
                        "item: must set text or tokens"),
                bad("text without prompt", s -> score(s, PromptAnswer.newBuilder().setText(TextPair.newBuilder().setAnswer("a")).build()),
                        "item.text.prompt: required"),
                bad("prompt with neither text nor chat", s -> score(s, pair(Prompt.getDefaultInstance())),
                        "item.text.prompt: must set text or chat"),
                bad("empty prompt text", s -> score(s, pair(Prompt.newBuilder().setText("").build())),
                        "item.text.prompt.text: must not be empty"),
                bad("empty conversation", s -> score(s, pair(Prompt.newBuilder().setChat(Conversation.getDefaultInstance()).build())),
                        "item.text.prompt.chat.messages: must not be empty"),
                bad("unspecified role", s -> score(s, pair(chat(Role.ROLE_USER, Role.ROLE_ASSISTANT, Role.ROLE_UNSPECIFIED))),
                        "item.text.prompt.chat.messages[2].role: must be ROLE_SYSTEM, ROLE_USER or ROLE_ASSISTANT"),
                bad("system turn not first", s -> score(s, pair(chat(Role.ROLE_USER, Role.ROLE_SYSTEM))),
                        "item.text.prompt.chat.messages[1].role: ROLE_SYSTEM is allowed only in the first message"),
                bad("empty user turn", s -> score(s, pair(Prompt.newBuilder().setChat(Conversation.newBuilder()
                        .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_USER))).build())),
                        "item.text.prompt.chat.messages[0].content: must not be empty"),
                bad("empty prompt ids", s -> score(s, RewardClient.tokens(new int[0], new int[] {1})),
                        "item.tokens.prompt_token_ids: must not be empty"),
                bad("empty answer ids", s -> score(s, RewardClient.tokens(new int[] {1}, new int[0])),
                        "item.tokens.answer_token_ids: must not be empty"),
                bad("id beyond the vocabulary", s -> score(s, RewardClient.tokens(new int[] {1}, new int[] {5, 260})),
                        "item.tokens.answer_token_ids[1]: token id 260 is outside the vocabulary [0, 260)"),
                bad("negative id", s -> score(s, RewardClient.tokens(new int[] {-1}, new int[] {5})),
                        "item.tokens.prompt_token_ids[0]: token id -1 is outside the vocabulary"),
                bad("negative version", s -> s.score(ScoreRequest.newBuilder().setRewardVersion(-1)
                        .setItem(RewardClient.text("q", "a")).build()), "reward_version: must be >= 1, or 0 for the newest"),
                bad("empty batch", s -> s.scoreBatch(ScoreBatchRequest.getDefaultInstance()), "items: must hold at least one item"),
                bad("too many items", s -> s.scoreBatch(batch(600, -1, "")), "items: 600 > max 512"),
                bad("an item longer than max-tokens-per-item", s -> s.scoreBatch(batch(5, 3, "x".repeat(1495))),
                        "items[3]: 1500 tokens > max 1024"),
                bad("an item longer than the model's context", s -> s.scoreBatch(batch(5, 2, "x".repeat(195))),
                        "items[2]: 200 tokens > the context length 128 of reward v"),
                bad("a bad item deep in a batch", s -> s.scoreBatch(batch(5, 4, null)), "items[4]: must set text or tokens"),
                bad("compare without prompt", s -> s.compare(CompareRequest.newBuilder().setAnswerA("a").setAnswerB("b").build()),
                        "prompt: required"),
                bad("compare with a bad role", s -> s.compare(CompareRequest.newBuilder().setPrompt(chat(Role.ROLE_UNSPECIFIED))
                        .setAnswerA("a").setAnswerB("b").build()), "prompt.chat.messages[0].role"),
                bad("compare with an answer too long", s -> s.compare(CompareRequest.newBuilder()
                        .setPrompt(Prompt.newBuilder().setText("q")).setAnswerA("a").setAnswerB("b".repeat(1100)).build()),
                        "answer_b: 1105 tokens > max 1024"),
                // issue 17's hostile sizes: each inside the 4 MiB transport limit, so the field's own bound answers
                bad("a 0.8 MB prompt", s -> score(s, RewardClient.text("x".repeat(800_000), "a")),
                        "item.text.prompt.text: 800000 characters > max 100000 (rlhf.reward.max-text-chars)"),
                bad("a 100,000-item batch", s -> s.scoreBatch(batch(100_000, -1, "")),
                        "items: 100000 > max 512 (rlhf.reward.max-items-per-request)"),
                bad("a 0.2 MB answer", s -> s.scoreBatch(batch(3, 1, "y".repeat(200_000))),
                        "items[1].text.answer: 200000 characters > max 100000 (rlhf.reward.max-text-chars)"),
                bad("a chat of 1,000 turns", s -> score(s, pair(chat(alternating(1_000)))),
                        "item.text.prompt.chat.messages: 1000 messages > max 256 (rlhf.reward.max-chat-messages)"),
                bad("compare with both answers missing", s -> s.compare(CompareRequest.newBuilder()
                        .setPrompt(Prompt.newBuilder().setText("q")).build()), "answer_a: required"),
                bad("compare with answer_b missing", s -> s.compare(CompareRequest.newBuilder()
                        .setPrompt(Prompt.newBuilder().setText("q")).setAnswerA("a").build()), "answer_b: required"),
                bad("compare with a 0.8 MB answer", s -> s.compare(CompareRequest.newBuilder()
                        .setPrompt(Prompt.newBuilder().setText("q")).setAnswerA("a".repeat(800_000)).setAnswerB("b")
                        .build()), "answer_a: 800000 characters > max 100000 (rlhf.reward.max-text-chars)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCalls")
    void badInputIsInvalidArgumentNamingTheField(Case bad) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> bad.call().apply(client.blocking()));

        assertThat(e).as("the call must fail").isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith(bad.description());
    }

    @Test
    void emptyAnswersSetExplicitlyAreComparedAsCandidates() {
        CompareResponse blanks = client.blocking().compare(CompareRequest.newBuilder()
                .setPrompt(Prompt.newBuilder().setText("q")).setAnswerA("").setAnswerB("").build());

        assertThat(blanks.getProbabilityAPreferred()).isCloseTo(0.5, within(1e-6));
        assertThat(blanks.getRewardVersion()).isPositive();
    }

    @Test
    void aMessageAboveTheTransportLimitIsResourceExhaustedNamingTheLimitAndTheServiceStaysHealthy() throws Exception {
        String described = "request message larger than 4194304 bytes (quarkus.grpc.server.max-inbound-message-size)";
        ScoreRequest huge = ScoreRequest.newBuilder().setItem(RewardClient.text("x".repeat(5_000_000), "a")).build();

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> client.blocking().score(huge));
        Map<String, String> wire = ServiceProbes.rawGrpcHeadersAndTrailers(root.getPort(),
                "/rlhf.reward.v1.RewardService/Score", huge.toByteArray());

        assertThat(e).as("the call must fail").isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(e.getStatus().getDescription()).isEqualTo(described);
        assertThat(wire).containsEntry("grpc-status", "8").containsEntry("grpc-message", described);
        assertThat(ServiceProbes.grpcHealth(root.getPort(), "rlhf.reward.v1.RewardService"))
                .isEqualTo(ServingStatus.SERVING);
        assertThat(client.blocking().score(ScoreRequest.newBuilder().setItem(RewardClient.text("q", "a")).build())
                .getRewardVersion()).isPositive();
    }

    @Test
    void aRejectedBatchScoresNothing() {
        double before = RewardClient.sample(RewardClient.metrics(), "rlhf_reward_scores_total");

        catchThrowableOfType(StatusRuntimeException.class, () -> client.blocking().scoreBatch(batch(50, 49, "x".repeat(1500))));

        double after = RewardClient.sample(RewardClient.metrics(), "rlhf_reward_scores_total");
        assertThat(after).isEqualTo(before);
    }

    private static Arguments bad(String name, Function<RewardServiceBlockingStub, Object> call, String description) {
        return Arguments.of(new Case(name, call, description));
    }

    private static Object score(RewardServiceBlockingStub stub, PromptAnswer item) {
        return stub.score(ScoreRequest.newBuilder().setItem(item).build());
    }

    private static PromptAnswer pair(Prompt prompt) {
        return PromptAnswer.newBuilder().setText(TextPair.newBuilder().setPrompt(prompt).setAnswer("ok")).build();
    }

    private static Role[] alternating(int turns) {
        Role[] roles = new Role[turns];
        for (int i = 0; i < turns; i++) {
            roles[i] = i % 2 == 0 ? Role.ROLE_USER : Role.ROLE_ASSISTANT;
        }
        return roles;
    }

    private static Prompt chat(Role... roles) {
        Conversation.Builder chat = Conversation.newBuilder();
        for (Role r : roles) {
            chat.addMessages(ChatMessage.newBuilder().setRole(r).setContent("turn"));
        }
        return Prompt.newBuilder().setChat(chat).build();
    }

    /** {@code n} good items; item {@code special} answers {@code answer} (null: the item is left empty). */
    private static ScoreBatchRequest batch(int n, int special, String answer) {
        ScoreBatchRequest.Builder b = ScoreBatchRequest.newBuilder();
        for (int i = 0; i < n; i++) {
            if (i == special) {
                b.addItems(answer == null ? PromptAnswer.getDefaultInstance() : RewardClient.text("q", answer));
            } else {
                b.addItems(RewardClient.text("question " + i, "answer"));
            }
        }
        return b.build();
    }
}
