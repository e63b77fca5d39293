package rlhf.reward;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import rlhf.kafka.KafkaTestResource;
import rlhf.reward.testing.RewardStoreResource;
import rlhf.service.testing.ServiceBootContract;

/** The boot contract of every service (gRPC health, readiness with Kafka, metrics), with a reward model loaded. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(RewardStoreResource.class)
class RewardServiceBootTest extends ServiceBootContract {

    @Override
    protected List<String> grpcServices() {
        return List.of("rlhf.reward.v1.RewardService");
    }

    @Test
    void readinessIncludesTheLoadedRewardModel() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("reward-model"))
                .body("checks.find { it.name == 'reward-model' }.status", org.hamcrest.Matchers.equalTo("UP"))
                .body("checks.find { it.name == 'reward-model' }.data.version", org.hamcrest.Matchers.greaterThanOrEqualTo(1));
    }
}
