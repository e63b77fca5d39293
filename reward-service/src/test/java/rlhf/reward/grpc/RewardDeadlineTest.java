package rlhf.reward.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URL;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import rlhf.reward.testing.RewardClient;
import rlhf.reward.testing.RewardStoreResource;
import rlhf.reward.v1.RewardServiceGrpc;
import rlhf.reward.v1.ScoreRequest;
import rlhf.reward.v1.ScoreResponse;
import rlhf.service.testing.UnreachableKafkaProfile;

/**
 * Deadlines are honoured: with batches that wait up to 1 s for company, a call whose 200 ms deadline passes while it
 * waits is withdrawn and never reaches a forward pass; a call with a longer deadline is scored.
 */
@QuarkusTest
@TestProfile(RewardDeadlineTest.SlowBatches.class)
@WithTestResource(RewardStoreResource.class)
class RewardDeadlineTest {

    /**
     * Every batch waits the longest allowed time for more items. No broker: scoring needs none, and the test broker
     * serves only the first application of a test JVM that asks for it.
     */
    public static class SlowBatches implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rlhf.reward.max-batch-wait", "1s",
                    "rlhf.kafka.bootstrap-servers", UnreachableKafkaProfile.ADDRESS, "rlhf.kafka.health-timeout", "500ms");
        }
    }

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

    @Test
    void aCallWhoseDeadlinePassesIsNotComputed() throws InterruptedException {
        aCallWithTimeEnoughIsScoredAfterTheBatchWindow(); // warm: the channel is connected, the model has run once
        String before = RewardClient.metrics();
        long start = System.nanoTime();

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> RewardServiceGrpc
                .newBlockingStub(client.channel()).withDeadlineAfter(200, TimeUnit.MILLISECONDS)
                .score(ScoreRequest.newBuilder().setItem(RewardClient.text("Too late?", "Yes.")).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms until the caller gave up").isLessThan(900);
        Thread.sleep(Math.max(0, 2_000 - (System.nanoTime() - start) / 1_000_000)); // well past the 1 s batch window
        String after = RewardClient.metrics();
        assertThat(delta(before, after, "rlhf_reward_abandoned_total")).as("pairs withdrawn").isEqualTo(1);
        assertThat(delta(before, after, "rlhf_reward_scores_total")).as("pairs scored").isZero();
        assertThat(delta(before, after, "rlhf_reward_batch_size_count")).as("forward passes").isZero();
    }

    @Test
    void aCallWithTimeEnoughIsScoredAfterTheBatchWindow() {
        String before = RewardClient.metrics();
        long start = System.nanoTime();

        ScoreResponse r = RewardServiceGrpc.newBlockingStub(client.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
                .score(ScoreRequest.newBuilder().setItem(RewardClient.text("In time?", "Yes.")).build());

        assertThat(r.getRewardVersion()).isEqualTo(1);
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms, waited for the batch window").isGreaterThanOrEqualTo(900);
        assertThat(delta(before, RewardClient.metrics(), "rlhf_reward_scores_total")).isEqualTo(1);
    }

    private static double delta(String before, String after, String series) {
        return RewardClient.sample(after, series) - RewardClient.sample(before, series);
    }
}
