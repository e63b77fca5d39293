package rlhf.service.testing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

import java.net.URL;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;

/**
 * What every service must show once booted against the real test broker: the standard gRPC health service
 * over a real port, readiness that checks Kafka, Prometheus metrics, and RPCs of later issues answering
 * UNIMPLEMENTED with a reason. A service's test extends this with {@code @QuarkusTest} and
 * {@code @WithTestResource(KafkaTestResource.class)}.
 */
public abstract class ServiceBootContract {

    @TestHTTPResource("/")
    URL root;

    /** Fully qualified gRPC service names the service serves, e.g. {@code rlhf.policy.v1.PolicyService}. */
    protected abstract java.util.List<String> grpcServices();

    /**
     * Calls one RPC that a later issue implements; must throw the gRPC error. A service whose RPCs are all
     * implemented keeps this default, which skips the check.
     */
    protected void callUnimplementedRpc(ManagedChannel channel) {
        Assumptions.abort("every RPC of this service is implemented");
    }

    protected int port() {
        return root.getPort();
    }

    @Test
    void grpcHealthServiceAnswersServingOverARealPort() throws InterruptedException {
        assertThat(ServiceProbes.grpcHealth(port(), "")).isEqualTo(ServingStatus.SERVING);
        for (String service : grpcServices()) {
            assertThat(ServiceProbes.grpcHealth(port(), service)).as(service).isEqualTo(ServingStatus.SERVING);
        }
    }

    @Test
    void readyWhileKafkaAnswers() throws InterruptedException {
        // Readiness may lag the start by a moment (e.g. while a service reads a topic it needs): wait for it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (given().when().get("/q/health/ready").then().extract().statusCode() != 200
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("UP"))
                .body("checks.name", hasItem("kafka"));
    }

    @Test
    void metricsInPrometheusTextForm() {
        given().when().get("/q/health/ready").then().statusCode(200); // sets rlhf.kafka.reachable
        given().accept("text/plain").when().get("/q/metrics").then().statusCode(200)
                .body(containsString("# TYPE rlhf_kafka_reachable gauge"))
                .body(containsString("rlhf_kafka_reachable 1.0"))
                .body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void laterRpcsAnswerUnimplementedWithAReason() throws InterruptedException {
        ManagedChannel channel = ServiceProbes.channel(port());
        try {
            StatusRuntimeException e;
            try {
                callUnimplementedRpc(channel);
                e = null;
            } catch (StatusRuntimeException thrown) {
                e = thrown;
            }
            assertThat(e).as("the RPC must fail with a gRPC status").isNotNull();
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
            assertThat(e.getStatus().getDescription()).contains("not implemented yet").contains("arrives with");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
