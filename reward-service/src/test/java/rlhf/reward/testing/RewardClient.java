package rlhf.reward.testing;

import static io.restassured.RestAssured.given;

import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.grpc.ManagedChannel;
import rlhf.common.v1.Prompt;
import rlhf.reward.v1.PromptAnswer;
import rlhf.reward.v1.RewardServiceGrpc;
import rlhf.reward.v1.TextPair;
import rlhf.reward.v1.TokenPair;
import rlhf.service.testing.ServiceProbes;

/** A real gRPC channel to the service under test, request builders, and readings of /q/metrics. */
public final class RewardClient implements AutoCloseable {

    private final ManagedChannel channel;

    public RewardClient(int port) {
        this.channel = ServiceProbes.channel(port);
    }

    /** A blocking stub with a 30 s deadline (tests must never hang). */
    public RewardServiceGrpc.RewardServiceBlockingStub blocking() {
        return RewardServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public RewardServiceGrpc.RewardServiceFutureStub future() {
        return RewardServiceGrpc.newFutureStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public ManagedChannel channel() {
        return channel;
    }

    public static PromptAnswer text(String prompt, String answer) {
        return PromptAnswer.newBuilder().setText(TextPair.newBuilder()
                .setPrompt(Prompt.newBuilder().setText(prompt)).setAnswer(answer)).build();
    }

    public static PromptAnswer tokens(int[] prompt, int[] answer) {
        TokenPair.Builder pair = TokenPair.newBuilder();
        for (int id : prompt) {
            pair.addPromptTokenIds(id);
        }
        for (int id : answer) {
            pair.addAnswerTokenIds(id);
        }
        return PromptAnswer.newBuilder().setTokens(pair).build();
    }

    /** The Prometheus text of /q/metrics. */
    public static String metrics() {
        return given().accept("text/plain").when().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of the first sample whose line starts with {@code series} (name plus any labels), or 0. */
    public static double sample(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
