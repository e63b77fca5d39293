package rlhf.reward.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.common.util.concurrent.ListenableFuture;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import rlhf.kafka.KafkaTestResource;
import rlhf.reward.testing.RewardClient;
import rlhf.reward.testing.RewardStoreResource;
import rlhf.reward.v1.ScoreRequest;
import rlhf.reward.v1.ScoreResponse;

/** Concurrent calls share forward passes, and the service's meters appear in Prometheus form. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(RewardStoreResource.class)
class RewardBatchingAndMetricsTest {

    private static final int CALLS = 32;

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
    void concurrentCallsAreCoalescedIntoFewerForwardPasses() throws Exception {
        String before = RewardClient.metrics();
        long start = System.nanoTime();

        List<ListenableFuture<ScoreResponse>> calls = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            calls.add(client.future().score(ScoreRequest.newBuilder().setItem(RewardClient.text("Question " + i, "Answer.")).build()));
        }
        for (ListenableFuture<ScoreResponse> call : calls) {
            assertThat(call.get(30, TimeUnit.SECONDS).getRewardVersion()).isGreaterThanOrEqualTo(1);
        }

        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        String after = RewardClient.metrics();
        double items = delta(before, after, "rlhf_reward_batch_size_sum");
        double passes = delta(before, after, "rlhf_reward_batch_size_count");
        assertThat(items).isEqualTo(CALLS);
        assertThat(delta(before, after, "rlhf_reward_scores_total")).isEqualTo(CALLS);
        assertThat(passes).as("forward passes for %d concurrent calls (batch size > 1 somewhere)", CALLS).isLessThan(CALLS);
        System.out.printf("%d concurrent Score calls in %d ms -> %.0f forward passes (mean batch %.1f, max %.0f)%n", CALLS,
                elapsedMs, passes, items / passes, RewardClient.sample(after, "rlhf_reward_batch_size_max"));
    }

    @Test
    void metersInPrometheusForm() {
        client.blocking().score(ScoreRequest.newBuilder().setItem(RewardClient.text("Hi", "Hello.")).build());

        RestAssured.given().accept("text/plain").when().get("/q/metrics").then().statusCode(200)
                .body(containsString("# TYPE rlhf_reward_scores_total counter"))
                .body(containsString("# TYPE rlhf_reward_batch_size histogram"))
                .body(containsString("rlhf_reward_batch_size_bucket{le=\"2.0\","))
                .body(containsString("rlhf_reward_batch_size_count"))
                .body(containsString("# TYPE rlhf_reward_latency_seconds histogram"))
                .body(containsString("rlhf_reward_latency_seconds_bucket{code=\"OK\",rpc=\"Score\",le=\"0.025\","))
                .body(containsString("rlhf_reward_latency_seconds_count{code=\"OK\",rpc=\"Score\","))
                .body(containsString("# TYPE rlhf_reward_forward_seconds summary"))
                .body(containsString("# TYPE rlhf_reward_abandoned_total counter"))
                .body(containsString("# TYPE rlhf_reward_version gauge"))
                .body(matchesPattern("(?s).*\nrlhf_reward_version [1-9][0-9]*\\.0\n.*"))
                .body(containsString("# TYPE rlhf_reward_versions_loaded gauge"));
    }

    private static double delta(String before, String after, String series) {
        return RewardClient.sample(after, series) - RewardClient.sample(before, series);
    }
}
