package rlhf.trainer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static rlhf.trainer.TrainerAdminApiTest.ADMIN_KEY;
import static rlhf.trainer.TrainerAdminApiTest.CORPUS;
import static rlhf.trainer.TrainerAdminApiTest.READER_KEY;
import static rlhf.trainer.TrainerAdminApiTest.admin;
import static rlhf.trainer.TrainerAdminApiTest.key;
import static rlhf.trainer.TrainerAdminApiTest.tinyPretrain;
import static rlhf.trainer.TrainerAdminApiTest.withKey;

import java.net.URL;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import rlhf.kafka.KafkaTestResource;
import rlhf.service.testing.ServiceProbes;
import rlhf.trainer.jobs.TestData;
import rlhf.trainer.v1.CancelJobRequest;
import rlhf.trainer.v1.GetJobRequest;
import rlhf.trainer.v1.Job;
import rlhf.trainer.v1.JobKind;
import rlhf.trainer.v1.JobState;
import rlhf.trainer.v1.ListJobsRequest;
import rlhf.trainer.v1.StartJobRequest;
import rlhf.trainer.v1.TrainerServiceGrpc;
import rlhf.trainer.v1.TrainerServiceGrpc.TrainerServiceBlockingStub;

/**
 * The admin API's keys over real ports: every state-changing endpoint (REST POST /admin/jobs and
 * /admin/jobs/{id}/cancel, gRPC StartJob and CancelJob) refuses a call without a known key (401 / UNAUTHENTICATED)
 * and with a read-only key (403 / PERMISSION_DENIED), changing nothing, and does it with the admin key; reads stay
 * open (rlhf.trainer.read-requires-token is false in the test profile).
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class TrainerAdminAuthTest {

    private static final Map<String, Object> LONG_PRETRAIN = Map.of("kind", "PRETRAIN", "parameters",
            tinyPretrain(100_000));

    @TestHTTPResource("/")
    URL root;

    private ManagedChannel channel;

    @BeforeEach
    void connect() {
        if (!Files.exists(CORPUS)) {
            TestData.corpus(CORPUS.getParent(), 200);
        }
        channel = ServiceProbes.channel(root.getPort());
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private TrainerServiceBlockingStub stub(String token) {
        TrainerServiceBlockingStub stub = TrainerServiceGrpc.newBlockingStub(channel);
        return (token == null ? stub : withKey(stub, token)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @Test
    void restStartJobNeedsAnAdminKey() {
        int before = jobCount();
        given().contentType(ContentType.JSON).body(LONG_PRETRAIN).when().post("/admin/jobs").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer")).body("parameter", equalTo("authorization"))
                .body("error", equalTo("authorization: required: Bearer <token>"));
        key("not-a-key-of-this-trainer-000").contentType(ContentType.JSON).body(LONG_PRETRAIN).when().post("/admin/jobs")
                .then().statusCode(401).body("error", equalTo("authorization: unknown token"))
                .body(not(containsString("not-a-key-of-this-trainer-000")));
        given().header("Authorization", "Basic dXNlcjpwYXNz").contentType(ContentType.JSON).body(LONG_PRETRAIN).when()
                .post("/admin/jobs").then().statusCode(401).body("error", equalTo("authorization: not a bearer token"));
        key(READER_KEY).contentType(ContentType.JSON).body(LONG_PRETRAIN).when().post("/admin/jobs").then()
                .statusCode(403).body("parameter", equalTo("authorization"))
                .body("error", containsString("needs an admin key; key 'reader' is read-only"));
        assertThat(jobCount()).as("no job started by a refused call").isEqualTo(before);

        String id = admin().contentType(ContentType.JSON).body(LONG_PRETRAIN).when().post("/admin/jobs").then()
                .statusCode(202).body("state", equalTo("RUNNING")).extract().path("id");
        admin().when().post("/admin/jobs/" + id + "/cancel").then().statusCode(200);
        assertThat(awaitEnded(id)).isEqualTo("CANCELLED");
    }

    @Test
    void restCancelNeedsAnAdminKey() {
        String id = admin().contentType(ContentType.JSON).body(LONG_PRETRAIN).when().post("/admin/jobs").then()
                .statusCode(202).extract().path("id");
        try {
            given().when().post("/admin/jobs/" + id + "/cancel").then().statusCode(401)
                    .header("WWW-Authenticate", startsWith("Bearer"));
            key(READER_KEY).when().post("/admin/jobs/" + id + "/cancel").then().statusCode(403);
            // reads are open, and the refused cancels changed nothing
            given().when().get("/admin/jobs/" + id).then().statusCode(200).body("state", equalTo("RUNNING"));
            given().when().get("/admin/jobs").then().statusCode(200);
            given().when().get("/admin/lineage/policy/9999").then().statusCode(404);
        } finally {
            admin().when().post("/admin/jobs/" + id + "/cancel").then().statusCode(200);
        }
        assertThat(awaitEnded(id)).isEqualTo("CANCELLED");
    }

    @Test
    void grpcStartJobNeedsAnAdminKey() {
        StartJobRequest start = StartJobRequest.newBuilder().setKind(JobKind.JOB_KIND_PRETRAIN)
                .putAllParameters(tinyPretrain(100_000)).build();
        int before = jobCount();
        assertRefused(() -> stub(null).startJob(start), Status.Code.UNAUTHENTICATED, "authorization: required");
        assertRefused(() -> stub("not-a-key-of-this-trainer-000").startJob(start), Status.Code.UNAUTHENTICATED,
                "authorization: unknown token");
        assertRefused(() -> stub(READER_KEY).startJob(start), Status.Code.PERMISSION_DENIED,
                "authorization: StartJob needs an admin key; key 'reader' is read-only");
        assertThat(jobCount()).as("no job started by a refused call").isEqualTo(before);

        Job started = stub(ADMIN_KEY).startJob(start);
        assertThat(started.getState()).isEqualTo(JobState.JOB_STATE_RUNNING);
        stub(ADMIN_KEY).cancelJob(CancelJobRequest.newBuilder().setJobId(started.getJobId()).build());
        assertThat(awaitEnded(started.getJobId())).isEqualTo("CANCELLED");
    }

    @Test
    void grpcCancelJobNeedsAnAdminKey() {
        Job running = stub(ADMIN_KEY).startJob(StartJobRequest.newBuilder().setKind(JobKind.JOB_KIND_PRETRAIN)
                .putAllParameters(tinyPretrain(100_000)).build());
        CancelJobRequest cancel = CancelJobRequest.newBuilder().setJobId(running.getJobId()).build();
        try {
            assertRefused(() -> stub(null).cancelJob(cancel), Status.Code.UNAUTHENTICATED, "authorization: required");
            assertRefused(() -> stub(READER_KEY).cancelJob(cancel), Status.Code.PERMISSION_DENIED,
                    "authorization: CancelJob needs an admin key");
            // reads are open, and the refused cancels changed nothing
            assertThat(stub(null).getJob(GetJobRequest.newBuilder().setJobId(running.getJobId()).build()).getState())
                    .isEqualTo(JobState.JOB_STATE_RUNNING);
            assertThat(stub(null).listJobs(ListJobsRequest.getDefaultInstance()).getJobsList())
                    .extracting(Job::getJobId).contains(running.getJobId());
        } finally {
            stub(ADMIN_KEY).cancelJob(cancel);
        }
        assertThat(awaitEnded(running.getJobId())).isEqualTo("CANCELLED");
    }

    private static void assertRefused(Runnable call, Status.Code code, String description) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).startsWith(description);
        });
    }

    private static int jobCount() {
        List<String> ids = given().when().get("/admin/jobs").then().statusCode(200).extract().path("id");
        return ids.size();
    }

    /** The job's state once it is no longer running. */
    private static String awaitEnded(String id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String state = given().when().get("/admin/jobs/" + id).then().statusCode(200).extract().path("state");
            if (!"RUNNING".equals(state)) {
                return state;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("job " + id + " still running after 60 s");
    }
}
