package rlhf.service.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

/**
 * A service started against an unreachable broker stays alive and reports not-ready with a message that names
 * the address and the cause. A service's test extends this with {@code @QuarkusTest} and
 * {@code @TestProfile(UnreachableKafkaProfile.class)}.
 */
public abstract class UnreachableKafkaContract {

    @Test
    void notReadyNamingTheBrokerAddressAndCause() {
        given().when().get("/q/health/ready").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body(containsString("Kafka unreachable at " + UnreachableKafkaProfile.ADDRESS))
                .body(containsString("rlhf.kafka.bootstrap-servers"));
    }

    @Test
    void stillAliveSoItIsNotRestartedInALoop() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsShowKafkaUnreachable() {
        given().when().get("/q/health/ready").then().statusCode(503);
        given().accept("text/plain").when().get("/q/metrics").then().statusCode(200)
                .body(containsString("rlhf_kafka_reachable 0.0"));
    }
}
