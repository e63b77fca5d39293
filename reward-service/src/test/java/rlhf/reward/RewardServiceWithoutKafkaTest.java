package rlhf.reward;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.hamcrest.Matchers.containsString;

import java.net.URL;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import rlhf.reward.testing.RewardClient;
import rlhf.reward.v1.ScoreRequest;
import rlhf.service.testing.UnreachableKafkaContract;
import rlhf.service.testing.UnreachableKafkaProfile;

/** No broker and an empty model store: alive, not ready, saying why for each; scoring is UNAVAILABLE. */
@QuarkusTest
@TestProfile(UnreachableKafkaProfile.class)
class RewardServiceWithoutKafkaTest extends UnreachableKafkaContract {

    @TestHTTPResource("/")
    URL root;

    @Test
    void notReadyWithoutARewardModelSayingWhy() {
        given().when().get("/q/health/ready").then().statusCode(503)
                .body(containsString("reward-model"))
                .body(containsString("no reward model loaded yet"))
                .body(containsString("rlhf.reward.model-store"));
    }

    @Test
    void scoringWithoutAModelIsUnavailable() throws InterruptedException {
        try (RewardClient client = new RewardClient(root.getPort())) {
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> client.blocking()
                    .score(ScoreRequest.newBuilder().setItem(RewardClient.text("Hello?", "Hi.")).build()));

            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.getStatus().getDescription()).contains("no reward model loaded yet");
        }
    }
}
