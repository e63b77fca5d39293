package rlhf.trainer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import rlhf.common.v1.ModelKind;
import rlhf.kafka.KafkaTestResource;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.Manifest;
import rlhf.model.v1.ModelVersion;
import rlhf.service.testing.ServiceProbes;
import rlhf.trainer.jobs.TestData;
import rlhf.trainer.rest.ReportResource;
import rlhf.trainer.service.OnlineSchedule;
import rlhf.trainer.v1.CancelJobRequest;
import rlhf.trainer.v1.GetJobRequest;
import rlhf.trainer.v1.Job;
import rlhf.trainer.v1.JobKind;
import rlhf.trainer.v1.JobState;
import rlhf.trainer.v1.ListJobsRequest;
import rlhf.trainer.v1.StartJobRequest;
import rlhf.trainer.v1.TrainerServiceGrpc;
import rlhf.trainer.v1.TrainerServiceGrpc.TrainerServiceBlockingStub;
import rlhf.wire.Topic;

/** The admin API over real ports (REST and gRPC) with the real test broker: a tiny job end to end, and every error. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class TrainerAdminApiTest {

    @jakarta.inject.Inject
    OnlineSchedule schedule;

    static final Path CORPUS = Path.of("target/test-data/admin-api/pretrain-corpus.jsonl").toAbsolutePath();

    @TestHTTPResource("/")
    URL root;

    private ManagedChannel channel;
    private TrainerServiceBlockingStub trainer;

    @BeforeEach
    void connect() {
        if (!Files.exists(CORPUS)) {
            TestData.corpus(CORPUS.getParent(), 200);
        }
        channel = ServiceProbes.channel(root.getPort());
        trainer = withKey(TrainerServiceGrpc.newBlockingStub(channel), ADMIN_KEY).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** The keys of the test profile (application.properties): one admin, one read-only. */
    static final String ADMIN_KEY = "test-trainer-admin-token-0001";
    static final String READER_KEY = "test-trainer-reader-token-001";

    static RequestSpecification admin() {
        return key(ADMIN_KEY);
    }

    static RequestSpecification key(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    static <S extends AbstractStub<S>> S withKey(S stub, String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    static Map<String, String> tinyPretrain(int steps) {
        return Map.of("data", CORPUS.toString(), "layers", "1", "width", "32", "heads", "2", "context", "32",
                "steps", Integer.toString(steps), "batch-size", "4", "eval-windows", "4");
    }

    @Test
    void restPretrainJobPublishesAndAnnouncesABaseModelVersion() {
        String id = admin().contentType(ContentType.JSON)
                .body(Map.of("kind", "PRETRAIN", "parameters", tinyPretrain(20)))
                .when().post("/admin/jobs").then().statusCode(202)
                .body("state", equalTo("RUNNING")).body("parameters.steps", equalTo("20"))
                .extract().path("id");

        awaitFinished(id);
        given().when().get("/admin/jobs/" + id).then().statusCode(200)
                .body("state", equalTo("SUCCEEDED"))
                .body("progress.step", equalTo(20))
                .body("published[0].kind", equalTo("base"));
        int version = given().when().get("/admin/jobs/" + id).then().extract().path("published[0].version");
        List<String> ids = given().when().get("/admin/jobs").then().statusCode(200).extract().path("id");
        assertThat(ids).contains(id);

        ModelVersion announced = announcement(ModelKind.MODEL_KIND_BASE, version);
        Manifest manifest = new CheckpointStore(Path.of("target/test-model-store")).checkpoint("base", version).manifest();
        assertThat(announced.getSha256()).isEqualTo(manifest.files().get(CheckpointStore.WEIGHTS).sha256());
        assertThat(announced.getStoreUri()).startsWith("file:/").endsWith("/base/v" + version + "/");
        assertThat(announced.getCreatedBy()).isEqualTo("trainer/pretrain");
        assertThat(announced.getParameterCount()).isPositive();
        assertThat(announced.getMetricsMap()).containsKeys("pretrain.heldout.loss", "pretrain.unigram.entropy");
        assertThat(announced.getDatasetsList()).singleElement().satisfies(d -> {
            assertThat(d.getRecords()).isEqualTo(200);
            assertThat(d.getSha256()).hasSize(64);
            assertThat(d.getName()).isEqualTo("pretrain-corpus.jsonl");
        });
        assertThat(announced.getParentsList()).isEmpty();

        given().accept("text/plain").when().get("/q/metrics").then().statusCode(200)
                .body(containsString("# TYPE rlhf_train_loss gauge"))
                .body(containsString("rlhf_train_loss{kind=\"pretrain\""))
                .body(containsString("# TYPE rlhf_train_tokens_per_second gauge"))
                .body(containsString("# TYPE rlhf_train_steps_total counter"))
                .body(containsString("rlhf_train_steps_total{kind=\"sft\""))
                .body(containsString("# TYPE rlhf_rm_accuracy gauge"))
                .body(containsString("# TYPE rlhf_rm_ece gauge"))
                .body(containsString("# TYPE rlhf_ppo_kl gauge"))
                .body(containsString("# TYPE rlhf_ppo_kl_coef gauge"))
                .body(containsString("# TYPE rlhf_ppo_clip_fraction gauge"))
                .body(containsString("# TYPE rlhf_ppo_approx_kl gauge"))
                .body(containsString("# TYPE rlhf_ppo_value_loss gauge"))
                .body(containsString("# TYPE rlhf_ppo_entropy gauge"))
                .body(containsString("# TYPE rlhf_ppo_reward_mean gauge"))
                .body(containsString("# TYPE rlhf_ppo_logprob_drift gauge"))
                .body(containsString("# TYPE rlhf_ppo_rollouts_total counter"))
                .body(containsString("# TYPE rlhf_ppo_stale_rollouts_total counter"))
                .body(containsString("rlhf_ppo_time_seconds_count{phase=\"update\""))
                .body(containsString("rlhf_ppo_time_seconds_count{phase=\"generation\""));
    }

    @Test
    void lineageOfAStoredVersionIsATreeAndUnknownOnesAreClearErrors() {
        CheckpointStore store = new CheckpointStore(Path.of("target/test-model-store"));
        int sft;
        try (rlhf.model.GptModel m = rlhf.model.GptModel.create(new rlhf.model.GptConfig(
                rlhf.model.tokenizer.ByteTokenizer.VOCAB_SIZE, 16, 1, 2, 16, 0f), 1)) {
            int base = store.publish("base", m, new rlhf.model.tokenizer.ByteTokenizer(),
                    rlhf.model.store.Lineage.none()).version();
            sft = store.publish("sft", m, new rlhf.model.tokenizer.ByteTokenizer(), new rlhf.model.store.Lineage(
                    List.of("base/v" + base), List.of("demos.jsonl records=3 sha256=ab uri=file:/nowhere/demos.jsonl"),
                    Map.of("sft.heldout.loss", 0.4))).version();
        }
        given().when().get("/admin/lineage/sft/v" + sft).then().statusCode(200)
                .body("id", equalTo("sft/v" + sft))
                .body("metrics.'sft.heldout.loss'", equalTo(0.4f))
                .body("datasets[0].name", equalTo("demos.jsonl"))
                .body("datasets[0].records", equalTo(3))
                .body("parents[0].id", startsWith("base/v"));
        given().when().get("/admin/lineage/policy/9999").then().statusCode(404)
                .body("error", containsString("policy/v9999 is not in the model store"));
        given().when().get("/admin/lineage/robot/1").then().statusCode(400).body("parameter", equalTo("kind"));
        given().when().get("/admin/lineage/sft/latest").then().statusCode(400).body("parameter", equalTo("version"));
    }

    @Test
    void grpcRunsAJobAndListsIt() {
        Job started = trainer.startJob(StartJobRequest.newBuilder().setKind(JobKind.JOB_KIND_PRETRAIN)
                .putAllParameters(tinyPretrain(5)).build());
        assertThat(started.getState()).isEqualTo(JobState.JOB_STATE_RUNNING);
        assertThat(started.getParametersMap()).containsEntry("lr", "0.002");

        Job done = awaitFinished(started.getJobId());
        assertThat(done.getState()).isEqualTo(JobState.JOB_STATE_SUCCEEDED);
        assertThat(done.getProgress().getStep()).isEqualTo(5);
        assertThat(done.getProgress().getTokensPerSecond()).isPositive();
        assertThat(done.getPublishedList()).singleElement()
                .satisfies(v -> assertThat(v.getKind()).isEqualTo(ModelKind.MODEL_KIND_BASE));
        assertThat(trainer.listJobs(ListJobsRequest.getDefaultInstance()).getJobsList())
                .extracting(Job::getJobId).contains(started.getJobId());
    }

    @Test
    void oneJobAtATimeAndCancellation() {
        Job running = trainer.startJob(StartJobRequest.newBuilder().setKind(JobKind.JOB_KIND_PRETRAIN)
                .putAllParameters(tinyPretrain(100_000)).build());
        try {
            assertThatThrownBy(() -> trainer.startJob(StartJobRequest.newBuilder().setKind(JobKind.JOB_KIND_PRETRAIN)
                    .putAllParameters(tinyPretrain(5)).build()))
                    .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED))
                    .hasMessageContaining(running.getJobId());
            admin().contentType(ContentType.JSON).body(Map.of("kind", "SFT")).when().post("/admin/jobs")
                    .then().statusCode(409).body("error", containsString("busy"));
            // the weekly trigger finds a job running: skipped and counted, never queued behind it
            assertThat(schedule.trigger()).isEqualTo(OnlineSchedule.Outcome.SKIPPED_BUSY);
            given().when().get("/q/metrics").then().statusCode(200)
                    .body(containsString("rlhf_online_scheduled_total{outcome=\"skipped_busy\"} 1.0"));
        } finally {
            trainer.cancelJob(CancelJobRequest.newBuilder().setJobId(running.getJobId()).build());
        }
        Job cancelled = awaitFinished(running.getJobId());
        assertThat(cancelled.getState()).isEqualTo(JobState.JOB_STATE_CANCELLED);
        assertThat(cancelled.getPublishedList()).isEmpty();
    }

    @Test
    void theReportIsServedOnceTheDemoWroteIt() throws Exception {
        Path report = Path.of(ConfigProvider.getConfig().getValue("rlhf.trainer.data-dir", String.class))
                .resolve(ReportResource.FILE);
        Files.deleteIfExists(report);
        given().when().get("/admin/report").then().statusCode(404).body(containsString("No report yet"));
        Files.createDirectories(report.getParent());
        Files.writeString(report, "<!doctype html><title>RLHF online report</title><h1>weeks</h1>");
        try {
            given().when().get("/admin/report").then().statusCode(200).contentType(containsString("text/html"))
                    .body(containsString("<h1>weeks</h1>"));
        } finally {
            Files.delete(report);
        }
    }

    @Test
    void grpcErrorsNameTheCause() {
        assertThatThrownBy(() -> trainer.startJob(StartJobRequest.newBuilder().setKind(JobKind.JOB_KIND_SFT)
                .putParameters("bogus", "1").build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("bogus");
        assertThatThrownBy(() -> trainer.startJob(StartJobRequest.newBuilder().setKind(JobKind.JOB_KIND_PRETRAIN)
                .putParameters("steps", "0").build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("'steps'");
        assertThatThrownBy(() -> trainer.startJob(StartJobRequest.getDefaultInstance()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT))
                .hasMessageContaining("kind");
        assertThatThrownBy(() -> trainer.startJob(StartJobRequest.newBuilder().setKind(JobKind.JOB_KIND_REWARD_MODEL)
                .putParameters("sft-version", "999").build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.FAILED_PRECONDITION))
                .hasMessageContaining("sft/v999");
        assertThatThrownBy(() -> trainer.getJob(GetJobRequest.newBuilder().setJobId("job-nope").build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void hostileInputsGetCleanStatusesNamingTheFieldOrTheLimitAndTheTrainerStaysHealthy() throws Exception {
        int jobs = trainer.listJobs(ListJobsRequest.getDefaultInstance()).getJobsCount();
        StartJobRequest.Builder manyParameters = StartJobRequest.newBuilder().setKind(JobKind.JOB_KIND_PRETRAIN);
        for (int i = 0; i < 10_000; i++) {
            manyParameters.putParameters("p" + i, "1");
        }
        assertThatThrownBy(() -> trainer.startJob(manyParameters.build())).isInstanceOfSatisfying(
                StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("parameter 'p");
                });
        // an echoed 100,000-character id would overflow the caller's 8 KiB trailers: the description is cut
        assertThatThrownBy(() -> trainer.getJob(GetJobRequest.newBuilder().setJobId("x".repeat(100_000)).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).startsWith("job_id: no job 'xxx")
                            .endsWith("… (cut at 500 of 100033 characters)");
                });
        assertThatThrownBy(() -> trainer.startJob(StartJobRequest.newBuilder().setKind(JobKind.JOB_KIND_PRETRAIN)
                .putParameters("data", "x".repeat(5_000_000)).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).isEqualTo("request message larger than 4194304 bytes "
                            + "(quarkus.grpc.server.max-inbound-message-size)");
                });

        assertThat(trainer.listJobs(ListJobsRequest.getDefaultInstance()).getJobsCount()).isEqualTo(jobs);
        assertThat(ServiceProbes.grpcHealth(root.getPort(), "rlhf.trainer.v1.TrainerService"))
                .isEqualTo(grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void restErrorsNameTheCause() {
        admin().contentType(ContentType.JSON).body(Map.of("kind", "PRETRAIN", "parameters", Map.of("lr", 5)))
                .when().post("/admin/jobs").then().statusCode(400)
                .body("parameter", equalTo("lr")).body("error", containsString("outside"));
        admin().contentType(ContentType.JSON).body(Map.of("kind", "BOGUS"))
                .when().post("/admin/jobs").then().statusCode(400).body("parameter", equalTo("kind"));
        admin().contentType(ContentType.JSON).body(Map.of("kind", "ONLINE_ITERATION", "parameters",
                Map.of("policy-gate-min-win-rate", 2))).when().post("/admin/jobs").then().statusCode(400)
                .body("parameter", equalTo("policy-gate-min-win-rate"));
        admin().contentType(ContentType.JSON).body(Map.of("kind", "PPO", "parameters", Map.of("clip-epsilon", 3)))
                .when().post("/admin/jobs").then().statusCode(400).body("parameter", equalTo("clip-epsilon"));
        admin().contentType(ContentType.JSON).body(Map.of("kind", "PPO", "parameters", Map.of("sft-version", 999)))
                .when().post("/admin/jobs").then().statusCode(409).body("error", containsString("sft/v999"));
        admin().contentType(ContentType.JSON)
                .body(Map.of("kind", "REWARD_MODEL", "parameters", Map.of("sft-version", 999)))
                .when().post("/admin/jobs").then().statusCode(409).body("error", containsString("sft/v999"));
        given().when().get("/admin/jobs/job-nope").then().statusCode(404);
        admin().when().post("/admin/jobs/job-nope/cancel").then().statusCode(404);
    }

    private Job awaitFinished(String id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            Job job = trainer.getJob(GetJobRequest.newBuilder().setJobId(id).build());
            if (job.getState() != JobState.JOB_STATE_RUNNING) {
                return job;
            }
            sleep();
        }
        throw new AssertionError("job " + id + " still running after 120 s");
    }

    private static ModelVersion announcement(ModelKind kind, long version) {
        String servers = ConfigProvider.getConfig().getValue(KafkaTestResource.BOOTSTRAP_SERVERS, String.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(Topic.MODEL_VERSIONS.topicName(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    ModelVersion v = parse(r.value());
                    if (v.getKind() == kind && v.getVersion() == version) {
                        assertThat(r.key()).isEqualTo(kind.name());
                        return v;
                    }
                }
            }
        }
        throw new AssertionError("no announcement of " + kind + " v" + version + " on " + Topic.MODEL_VERSIONS.topicName());
    }

    private static ModelVersion parse(byte[] value) {
        try {
            return ModelVersion.parseFrom(value);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("announcement is not a ModelVersion", e);
        }
    }

    private static Status.Code code(Throwable e) {
        return ((StatusRuntimeException) e).getStatus().getCode();
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
