package rlhf.reward.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import java.net.URL;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import rlhf.common.v1.ChatMessage;
import rlhf.common.v1.Conversation;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.Role;
import rlhf.kafka.KafkaTestResource;
import rlhf.model.tokenizer.ByteTokenizer;
import rlhf.model.tokenizer.PromptResponse;
import rlhf.reward.config.RewardServiceConfig;
import rlhf.reward.testing.RewardClient;
import rlhf.reward.testing.RewardStoreResource;
import rlhf.reward.testing.TinyRewardModels;
import rlhf.reward.v1.CompareRequest;
import rlhf.reward.v1.CompareResponse;
import rlhf.reward.v1.PromptAnswer;
import rlhf.reward.v1.ScoreBatchRequest;
import rlhf.reward.v1.ScoreBatchResponse;
import rlhf.reward.v1.ScoreRequest;
import rlhf.reward.v1.ScoreResponse;
import rlhf.reward.v1.TextPair;

/**
 * Score, ScoreBatch and Compare over the real gRPC port return what the stored reward model computes, by the
 * reference ({@code Scorer} run here on the same checkpoint), tagged with the version that scored them.
 * Expectations follow the version each answer names, so the class holds whichever version is current.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(RewardStoreResource.class)
class RewardScoringGrpcTest {

    private static final float TOLERANCE = 1e-5f;
    private static final ByteTokenizer TOKENIZER = new ByteTokenizer();

    @TestHTTPResource("/")
    URL root;

    @Inject
    RewardServiceConfig config;

    private RewardClient client;

    @BeforeEach
    void connect() {
        client = new RewardClient(root.getPort());
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        client.close();
    }

    private Path store() {
        return Path.of(config.modelStore());
    }

    private float expected(long version, int[] prompt, int[] response) {
        return TinyRewardModels.expectedReward(store(), version, prompt, response);
    }

    private float expected(long version, String userText, String answer) {
        return expected(version, PromptResponse.promptIds(TOKENIZER, userText), PromptResponse.responseIds(TOKENIZER, answer));
    }

    @Test
    void scoreReturnsTheStoredModelsRewardTaggedWithTheVersion() {
        ScoreResponse r = client.blocking().score(ScoreRequest.newBuilder()
                .setItem(RewardClient.text("What is 2 plus 3?", "5.")).build());

        assertThat(r.getRewardVersion()).isGreaterThanOrEqualTo(1);
        assertThat(r.getReward()).isCloseTo(expected(r.getRewardVersion(), "What is 2 plus 3?", "5."), within(TOLERANCE));
    }

    @Test
    void anEmptyAnswerIsScored() {
        ScoreResponse r = client.blocking().score(ScoreRequest.newBuilder().setItem(RewardClient.text("Say nothing.", "")).build());

        assertThat(r.getReward()).isCloseTo(expected(r.getRewardVersion(), "Say nothing.", ""), within(TOLERANCE));
    }

    @Test
    void chatPromptsAreRenderedWithTheModelsChatTemplate() {
        List<rlhf.model.tokenizer.ChatMessage> chat = List.of(rlhf.model.tokenizer.ChatMessage.system("Be brief."),
                rlhf.model.tokenizer.ChatMessage.user("Capital of France?"));
        PromptAnswer item = PromptAnswer.newBuilder().setText(TextPair.newBuilder().setAnswer("Paris.")
                .setPrompt(Prompt.newBuilder().setChat(Conversation.newBuilder()
                        .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_SYSTEM).setContent("Be brief."))
                        .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_USER).setContent("Capital of France?")))))
                .build();

        ScoreResponse r = client.blocking().score(ScoreRequest.newBuilder().setItem(item).build());

        float reference = expected(r.getRewardVersion(), PromptResponse.promptIds(TOKENIZER, chat),
                PromptResponse.responseIds(TOKENIZER, "Paris."));
        assertThat(r.getReward()).isCloseTo(reference, within(TOLERANCE));
    }

    @Test
    void tokenPairsAreScoredOnExactlyTheGivenIds() {
        int[] prompt = {ByteTokenizer.USER, 'h', 'i', ByteTokenizer.END_OF_TEXT, ByteTokenizer.ASSISTANT};
        int[] answer = {'y', 'o', ByteTokenizer.END_OF_TEXT};

        ScoreResponse r = client.blocking().score(ScoreRequest.newBuilder().setItem(RewardClient.tokens(prompt, answer)).build());

        assertThat(r.getReward()).isCloseTo(expected(r.getRewardVersion(), prompt, answer), within(TOLERANCE));
    }

    @Test
    void scoreBatchAnswersEveryItemInOrderFromOneVersion() {
        ScoreBatchRequest.Builder request = ScoreBatchRequest.newBuilder();
        for (int i = 0; i < 40; i++) {
            request.addItems(RewardClient.text("Count to " + i + ".", "1".repeat(i % 7)));
        }

        ScoreBatchResponse r = client.blocking().scoreBatch(request.build());

        assertThat(r.getRewardsCount()).isEqualTo(40);
        for (int i = 0; i < 40; i++) {
            assertThat(r.getRewards(i)).as("items[%d]", i)
                    .isCloseTo(expected(r.getRewardVersion(), "Count to " + i + ".", "1".repeat(i % 7)), within(TOLERANCE));
        }
    }

    @Test
    void compareGivesBothRewardsAndTheBradleyTerryProbability() {
        CompareResponse r = client.blocking().compare(CompareRequest.newBuilder()
                .setPrompt(Prompt.newBuilder().setText("Name a prime number."))
                .setAnswerA("7.").setAnswerB("I like turtles.").build());

        long v = r.getRewardVersion();
        assertThat(r.getRewardA()).isCloseTo(expected(v, "Name a prime number.", "7."), within(TOLERANCE));
        assertThat(r.getRewardB()).isCloseTo(expected(v, "Name a prime number.", "I like turtles."), within(TOLERANCE));
        double sigma = 1.0 / (1.0 + Math.exp(-((double) r.getRewardA() - r.getRewardB())));
        assertThat(r.getProbabilityAPreferred()).isCloseTo(sigma, within(1e-12));
    }

    @Test
    void anExplicitVersionScoresWithThatVersion() {
        ScoreResponse r = client.blocking().score(ScoreRequest.newBuilder().setRewardVersion(1)
                .setItem(RewardClient.text("Hello?", "Hi.")).build());

        assertThat(r.getRewardVersion()).isEqualTo(1);
        assertThat(r.getReward()).isCloseTo(expected(1, "Hello?", "Hi."), within(TOLERANCE));
    }

    @Test
    void anUnknownVersionIsNotFound() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> client.blocking()
                .score(ScoreRequest.newBuilder().setRewardVersion(999).setItem(RewardClient.text("Hello?", "Hi.")).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("999");
    }
}
