package rlhf.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.protobuf.util.JsonFormat;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import rlhf.feedback.v1.Comparison;
import rlhf.feedback.v1.FeedbackServiceGrpc;
import rlhf.feedback.v1.Split;
import rlhf.feedback.v1.SubmitRequest;
import rlhf.feedback.v1.SubmitResponse;
import rlhf.feedback.v1.SubmitStreamResponse;
import rlhf.gateway.service.Comparisons;
import rlhf.gateway.service.HostileComparisons;
import rlhf.kafka.KafkaBrokers;
import rlhf.kafka.KafkaTestResource;
import rlhf.service.testing.ServiceProbes;
import rlhf.wire.Topic;
import rlhf.wire.UserSplits;

/** Ingest over the real REST and gRPC ports into the real broker: stored once, refused cleanly, scrubbed, deduplicated. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class FeedbackIngestTest {

    @TestHTTPResource("/")
    URL root;

    private ManagedChannel channel;
    private FeedbackServiceGrpc.FeedbackServiceBlockingStub feedback;

    @BeforeEach
    void connect() throws InterruptedException {
        channel = ServiceProbes.channel(root.getPort());
        feedback = withKey(FeedbackServiceGrpc.newBlockingStub(channel), LABELER_KEY).withDeadlineAfter(30,
                TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // until the comparison log has been read
        while (given().when().get("/q/health/ready").then().extract().statusCode() != 200
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static final String LABELER_KEY = "test-labeler-key-00000000001";

    /** A request with the labeler key of the test profile (labeler-1, the labeler of {@link Comparisons#valid}). */
    private static io.restassured.specification.RequestSpecification labeler() {
        return key(LABELER_KEY);
    }

    private static io.restassured.specification.RequestSpecification key(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    private static <S extends io.grpc.stub.AbstractStub<S>> S withKey(S stub, String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static String json(Comparison c) throws Exception {
        return JsonFormat.printer().print(c);
    }

    @Test
    void restStoresOnceAnswersDuplicatesAndRefusesAChangedComparison() throws Exception {
        Comparison c = Comparisons.valid("rest-1", "user-rest-1").build();
        long before = recordsOnTopic();
        String split = UserSplits.splitOf("user-rest-1", 0.1, 0.1).name().substring(6).toLowerCase();
        labeler().contentType(ContentType.JSON).body(json(c)).when().post("/v1/comparisons").then().statusCode(202)
                .body("comparisonId", equalTo("rest-1")).body("split", equalTo(split)).body("duplicate", equalTo(false));
        labeler().contentType(ContentType.JSON).body(json(c)).when().post("/v1/comparisons").then().statusCode(200)
                .body("duplicate", equalTo(true));
        Comparison changed = c.toBuilder().setAnswers(0, c.getAnswers(0).toBuilder().setText("other")).build();
        labeler().contentType(ContentType.JSON).body(json(changed)).when().post("/v1/comparisons").then()
                .statusCode(409).contentType("application/problem+json")
                .body("field", equalTo("comparison.comparison_id")).body("status", equalTo(409));
        assertThat(recordsOnTopic() - before).isEqualTo(1);
        Comparison stored = lastRecord("rest-1");
        assertThat(stored.getSplit()).isNotEqualTo(Split.SPLIT_UNSPECIFIED);
        assertThat(stored.hasCreatedAt()).isTrue();
        assertThat(stored.toBuilder().clearSplit().clearCreatedAt().build()).isEqualTo(c);
    }

    @Test
    void grpcSubmitAndStreamAnswerPerItem() throws Exception {
        long before = recordsOnTopic();
        Comparison c = Comparisons.validChat("grpc-1", "user-grpc-1").build();
        SubmitResponse first = feedback.submit(SubmitRequest.newBuilder().setComparison(c).build());
        assertThat(first.getDuplicate()).isFalse();
        assertThat(first.getSplit()).isEqualTo(UserSplits.splitOf("user-grpc-1", 0.1, 0.1));
        assertThat(feedback.submit(SubmitRequest.newBuilder().setComparison(c).build()).getDuplicate()).isTrue();
        assertThatThrownBy(() -> feedback.submit(SubmitRequest.newBuilder().setComparison(c.toBuilder()
                .setSource("chat")).build())).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
                    assertThat(e.getStatus().getDescription()).startsWith("comparison.comparison_id: ");
                });

        List<SubmitRequest> stream = List.of(
                request(Comparisons.valid("stream-1", "u-s1").build()),
                request(Comparisons.valid("stream-2", "u-s2").setRanking(0, Comparisons.tier(9)).build()),
                request(Comparisons.valid("stream-3", "u-s3").build()),
                request(c), // a duplicate
                SubmitRequest.getDefaultInstance());
        SubmitStreamResponse summary = submitStream(stream);
        assertThat(summary.getAccepted()).isEqualTo(2);
        assertThat(summary.getDuplicates()).isEqualTo(1);
        assertThat(summary.getRejectionsList()).extracting(r -> r.getIndex() + " " + r.getField())
                .containsExactly("1 comparison.ranking[0].answer_indexes[0]", "4 comparison");
        assertThat(recordsOnTopic() - before).isEqualTo(3);
    }

    @Test
    void restBatchAnswersPerItem() throws Exception {
        String body = "{\"comparisons\": [" + json(Comparisons.valid("batch-1", "u-b1").build()) + ", "
                + json(Comparisons.valid("batch-2", "u-b2").clearUserId().build()) + ", {\"bogus\": 1}, "
                + json(Comparisons.valid("batch-1", "u-b1").build()) + "]}";
        labeler().contentType(ContentType.JSON).body(body).when().post("/v1/comparisons/batch").then().statusCode(200)
                .body("accepted", equalTo(1)).body("duplicates", equalTo(1)).body("rejected", equalTo(2))
                .body("items[1].problem.field", equalTo("comparison.user_id"))
                .body("items[2].problem.field", equalTo("comparisons[2]"))
                .body("items[3].status", equalTo(200));
    }

    @Test
    void everyHostileRequestIsRefusedNamingItsFieldOnBothProtocolsAndNothingIsWritten() throws Exception {
        long before = recordsOnTopic();
        List<HostileComparisons.Case> cases = HostileComparisons.all(8000);
        int refused = 0;
        for (HostileComparisons.Case c : cases) {
            if (c.name().equals("lone surrogate")) {
                continue; // no client can put one on the wire: UTF-8 encoding replaces it (the raw bytes test below)
            }
            String body;
            try {
                body = json(c.comparison());
            } catch (IllegalArgumentException outOfRange) {
                body = null; // a timestamp protobuf's JSON form cannot even write: only gRPC can carry it
            }
            if (body != null) {
                var answer = labeler().contentType(ContentType.JSON).body(body).when().post("/v1/comparisons").then()
                        .extract();
                assertThat(answer.statusCode()).as(c.name() + ": " + answer.asString()).isEqualTo(400);
                assertThat(answer.contentType()).as(c.name()).startsWith("application/problem+json");
                assertThat((String) answer.path("field")).as(c.name()).startsWith(c.field());
                assertThat((String) answer.path("detail")).as(c.name()).startsWith(c.field());
                refused++;
            }
            assertThatThrownBy(() -> feedback.submit(request(c.comparison()))).as(c.name())
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getStatus().getDescription()).startsWith(c.field());
                    });
            refused++;
        }
        for (String body : malformedBodies()) {
            labeler().contentType(ContentType.JSON).body(body).when().post("/v1/comparisons").then().statusCode(400)
                    .contentType("application/problem+json").body("field", startsWith("comparison"));
            refused++;
        }
        assertThatThrownBy(() -> feedback.submit(SubmitRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getDescription())
                        .isEqualTo("comparison: required"));
        refused++;
        assertThat(refused).isGreaterThanOrEqualTo(100);
        assertThat(recordsOnTopic()).as("nothing of a refused request is written").isEqualTo(before);
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    /** REST bodies that are not comparisons at all. */
    private static List<String> malformedBodies() {
        return List.of("", " ", "null", "[]", "42", "\"text\"", "{", "{\"comparisonId\": }", "{\"bogus\": 1}",
                "{\"comparisonId\": 7, \"userId\": [1]}", "{\"answers\": \"many\"}", "{\"ranking\": [{\"answerIndexes\": "
                        + "[\"a\"]}]}", "{\"answers\": [{\"likert\": 1e400}]}", "{\"split\": \"SPLIT_NOPE\"}",
                "{\"createdAt\": \"yesterday\"}", "{\"prompt\": {\"text\": \"a\", \"chat\": {}}}",
                "{\"comparisonId\": \"a\", \"comparisonId\": \"b\"}", "<xml/>", "{\"answers\": [{\"labels\": "
                        + "[\"ANSWER_LABEL_NOPE\"]}]}", "{\"answers\": [{\"likert\": 2147483648}]}");
    }

    @Test
    void noRawPersonalDatumReachesTheTopic() throws Exception {
        String[] raw = {"jane.doe+rlhf@example.com", "650-253-0000", "4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00",
            "GB82WEST12345698765432", "bob@example.org"};
        Comparison c = Comparisons.valid("pii-1", "user-pii").setPrompt(rlhf.common.v1.Prompt.newBuilder()
                .setText("I am " + raw[0] + ", call +1 " + raw[1] + " or mail " + raw[5])).build();
        c = c.toBuilder().setAnswers(0, c.getAnswers(0).toBuilder().setText("Pay with " + raw[2] + " or IBAN "
                + raw[3] + " / " + raw[4])).build();
        labeler().contentType(ContentType.JSON).body(json(c)).when().post("/v1/comparisons").then().statusCode(202);
        String onTopic = new String(lastRecord("pii-1").toByteArray(), StandardCharsets.UTF_8);
        for (String value : raw) {
            assertThat(onTopic).doesNotContain(value);
        }
        assertThat(onTopic).contains("I am <EMAIL>, call <PHONE> or mail <EMAIL>")
                .contains("Pay with <CARD> or IBAN <IBAN> / <IBAN>");
        String metrics = given().accept("text/plain").when().get("/q/metrics").then().statusCode(200).extract()
                .asString();
        assertThat(metrics).containsPattern("rlhf_gateway_pii_total\\{type=\"email\",?} [1-9]")
                .containsPattern("rlhf_gateway_pii_total\\{type=\"iban\",?} [1-9]");
    }

    @Test
    void aComparisonAnotherReplicaStoredIsADuplicateHere() throws Exception {
        // As a second gateway (or this one before a restart) would have appended it: the follower reads it back.
        Comparison c = Comparisons.valid("replica-1", "user-replica").build();
        int known = knownIds();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokers.shared().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topic.COMPARISONS.topicName(), c.getComparisonId(), c.toBuilder()
                    .setSplit(UserSplits.splitOf("user-replica", 0.1, 0.1)).build().toByteArray())).get();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (knownIds() == known && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        long before = recordsOnTopic();
        labeler().contentType(ContentType.JSON).body(json(c)).when().post("/v1/comparisons").then().statusCode(200)
                .body("duplicate", equalTo(true));
        assertThat(recordsOnTopic()).isEqualTo(before);
    }

    private static int knownIds() {
        return given().when().get("/q/health/ready").then().statusCode(200).extract()
                .path("checks.find { it.name == 'comparison-log' }.data.known_ids");
    }

    @Test
    void bytesThatAreNotUtf8AreRefused() {
        byte[] body = {'{', '"', 'c', 'o', 'm', 'p', 'a', 'r', 'i', 's', 'o', 'n', 'I', 'd', '"', ':', '"', 'x', (byte) 0xff,
            '"', '}'};
        labeler().contentType(ContentType.JSON).body(body).when().post("/v1/comparisons").then().statusCode(400)
                .body("field", equalTo("comparison")).body("detail", org.hamcrest.Matchers.containsString("UTF-8"));
    }

    @Test
    void tooLargeIs413() {
        String body = "{\"comparisonId\": \"" + "x".repeat(1_100_000) + "\"}";
        labeler().contentType(ContentType.JSON).body(body).when().post("/v1/comparisons").then().statusCode(413)
                .body("field", equalTo("comparison"));
    }

    @Test
    void hostileSizesAreRefusedNamingTheFieldOrTheLimitAndTheGatewayStaysHealthy() throws Exception {
        long before = recordsOnTopic();
        Comparison longPrompt = Comparisons.valid("huge-1", "user-huge")
                .setPrompt(rlhf.common.v1.Prompt.newBuilder().setText("x".repeat(800_000))).build();
        assertThatThrownBy(() -> feedback.submit(request(longPrompt))).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).isEqualTo(
                            "comparison.prompt.text: 800000 characters > max 8000 (rlhf.gateway.max-text-chars)");
                });
        Comparison aboveTransport = Comparisons.valid("huge-2", "user-huge")
                .setPrompt(rlhf.common.v1.Prompt.newBuilder().setText("x".repeat(5_000_000))).build();
        assertThatThrownBy(() -> feedback.submit(request(aboveTransport))).isInstanceOfSatisfying(
                StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).isEqualTo("request message larger than 4194304 bytes "
                            + "(quarkus.grpc.server.max-inbound-message-size)");
                });
        List<SubmitRequest> overlong = java.util.Collections.nCopies(1_001, SubmitRequest.getDefaultInstance());
        assertThatThrownBy(() -> submitStream(overlong)).cause().isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("comparisons: a stream holds at most 1000 "
                            + "messages (rlhf.gateway.max-batch-items); message 1001 arrived");
                });

        assertThat(recordsOnTopic()).isEqualTo(before);
        assertThat(ServiceProbes.grpcHealth(root.getPort(), "rlhf.feedback.v1.FeedbackService"))
                .isEqualTo(grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus.SERVING);
        assertThat(feedback.submit(request(Comparisons.valid("huge-3", "user-huge").build())).getDuplicate()).isFalse();
    }

    @Test
    void withoutAKnownKeyIs401OnBothProtocols() throws Exception {
        String body = json(Comparisons.valid("auth-1", "user-auth").build());
        given().contentType(ContentType.JSON).body(body).when().post("/v1/comparisons").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer")).body("field", equalTo("authorization"));
        key("not-a-key-of-this-gateway").contentType(ContentType.JSON).body(body).when().post("/v1/comparisons")
                .then().statusCode(401).body("detail", equalTo("authorization: unknown API key"));
        given().header("Authorization", "Basic dXNlcjpwYXNz").contentType(ContentType.JSON).body(body).when()
                .post("/v1/comparisons").then().statusCode(401);
        assertThatThrownBy(() -> FeedbackServiceGrpc.newBlockingStub(channel).submit(request(
                Comparisons.valid("auth-1", "user-auth").build()))).isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThat(lastRecordOrNull("auth-1")).isNull();
    }

    @Test
    void aLabelerKeyMayNotSubmitAsAnotherLabeler() throws Exception {
        String body = json(Comparisons.valid("auth-2", "user-auth").setLabelerId("labeler-2").build());
        labeler().contentType(ContentType.JSON).body(body).when().post("/v1/comparisons").then().statusCode(403)
                .body("field", equalTo("comparison.labeler_id"));
        assertThatThrownBy(() -> feedback.submit(request(Comparisons.valid("auth-2", "user-auth")
                .setLabelerId("labeler-2").build()))).isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
        // the frontend key submits users' own choices, with or without a labeler id
        key("test-frontend-key-0000000001").contentType(ContentType.JSON).body(body).when().post("/v1/comparisons")
                .then().statusCode(202);
    }

    @Test
    void overTheKeysRateIs429WithRetryAfter() throws Exception {
        // the slow key: 1 comparison a second, a burst of 2
        List<Integer> statuses = new ArrayList<>();
        String retryAfter = null;
        for (int i = 0; i < 4; i++) {
            var answer = key("test-slow-key-0000000000001").contentType(ContentType.JSON)
                    .body(json(Comparisons.valid("slow-" + i, "user-slow-" + i).build())).when()
                    .post("/v1/comparisons").then().extract();
            statuses.add(answer.statusCode());
            if (answer.statusCode() == 429) {
                retryAfter = answer.header("Retry-After");
            }
        }
        assertThat(statuses.subList(0, 2)).containsOnly(202);
        assertThat(statuses).contains(429);
        assertThat(Integer.parseInt(retryAfter)).isBetween(1, 2);
    }

    @Test
    void promptsOverTheUsersCapAreKeptButFlaggedAndAUserCanBeErased() throws Exception {
        // the test profile caps users at 3 distinct prompts
        List<Boolean> flags = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String prompt = i < 4 ? "Name " + (i + 2) + " colors." : "Name 2 colors."; // the last repeats prompt 0
            Comparison c = Comparisons.valid("cap-" + i, "user-cap").setPrompt(rlhf.common.v1.Prompt.newBuilder()
                    .setText(prompt)).build();
            flags.add(labeler().contentType(ContentType.JSON).body(json(c)).when().post("/v1/comparisons").then()
                    .statusCode(202).extract().path("overPromptCap"));
        }
        assertThat(flags).containsExactly(false, false, false, true, false);
        assertThat(lastRecord("cap-3").getOverPromptCap()).isTrue();
        assertThat(lastRecord("cap-4").getOverPromptCap()).isFalse();

        given().when().delete("/v1/users/user-cap").then().statusCode(401);
        labeler().when().delete("/v1/users/user-cap").then().statusCode(403).body("field", equalTo("authorization"));
        key("test-admin-key-000000000001").when().delete("/v1/users/bad id").then().statusCode(400)
                .body("field", equalTo("user_id"));
        key("test-admin-key-000000000001").when().delete("/v1/users/user-cap").then().statusCode(202)
                .body("userId", equalTo("user-cap")).body("comparisonsKnown", equalTo(5));
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            TopicPartition partition = new TopicPartition(Topic.USER_ERASURES.topicName(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<rlhf.feedback.v1.UserErasure> erasures = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (erasures.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if ("user-cap".equals(r.key())) {
                        erasures.add(rlhf.feedback.v1.UserErasure.parseFrom(r.value()));
                    }
                }
            }
            assertThat(erasures).singleElement().satisfies(e -> {
                assertThat(e.getRequestedBy()).isEqualTo("admin");
                assertThat(e.getComparisonsKnown()).isEqualTo(5);
            });
        }
        // The erased user's new comparisons are refused at the door, on both protocols, and nothing is appended.
        long before = recordsOnTopic();
        Comparison late = Comparisons.valid("cap-late", "user-cap").build();
        labeler().contentType(ContentType.JSON).body(json(late)).when().post("/v1/comparisons").then()
                .statusCode(403).body("field", equalTo("comparison.user_id"));
        assertThatThrownBy(() -> feedback.submit(request(late))).isInstanceOf(StatusRuntimeException.class)
                .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
                        .isEqualTo(Status.Code.PERMISSION_DENIED));
        assertThat(recordsOnTopic()).isEqualTo(before);

        // The same over gRPC: EraseUser needs an admin key; then the user's new comparisons are refused.
        rlhf.feedback.v1.EraseUserRequest eraseGrpc = rlhf.feedback.v1.EraseUserRequest.newBuilder()
                .setUserId("user-grpc-erased").build();
        assertThatThrownBy(() -> feedback.eraseUser(eraseGrpc)).isInstanceOf(StatusRuntimeException.class)
                .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
                        .isEqualTo(Status.Code.PERMISSION_DENIED));
        FeedbackServiceGrpc.FeedbackServiceBlockingStub admin = withKey(FeedbackServiceGrpc.newBlockingStub(channel),
                "test-admin-key-000000000001").withDeadlineAfter(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> admin.eraseUser(rlhf.feedback.v1.EraseUserRequest.newBuilder().setUserId("bad id")
                .build())).isInstanceOf(StatusRuntimeException.class).hasMessageContaining("user_id");
        assertThat(admin.eraseUser(eraseGrpc).getUserId()).isEqualTo("user-grpc-erased");
        assertThatThrownBy(() -> feedback.submit(request(Comparisons.valid("grpc-erased-1", "user-grpc-erased")
                .build()))).isInstanceOf(StatusRuntimeException.class).hasMessageContaining("comparison.user_id");

        // An erasure another replica recorded reaches this one through rlhf.user-erasures.
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokers.shared().bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topic.USER_ERASURES.topicName(), "user-elsewhere",
                    rlhf.feedback.v1.UserErasure.newBuilder().setUserId("user-elsewhere").build().toByteArray())).get();
        }
        Comparison elsewhere = Comparisons.valid("elsewhere-1", "user-elsewhere").build();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        int status = 0;
        while (status != 403 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            status = labeler().contentType(ContentType.JSON).body(json(Comparisons.valid("elsewhere-probe-"
                    + System.nanoTime(), "user-elsewhere").build())).when().post("/v1/comparisons").then().extract()
                    .statusCode();
        }
        assertThat(status).as("refused once the erasure is read").isEqualTo(403);
        labeler().contentType(ContentType.JSON).body(json(elsewhere)).when().post("/v1/comparisons").then()
                .statusCode(403);
    }

    private static SubmitRequest request(Comparison c) {
        return SubmitRequest.newBuilder().setComparison(c).build();
    }

    private SubmitStreamResponse submitStream(List<SubmitRequest> requests) throws Exception {
        java.util.concurrent.CompletableFuture<SubmitStreamResponse> result = new java.util.concurrent.CompletableFuture<>();
        StreamObserver<SubmitRequest> out = withKey(FeedbackServiceGrpc.newStub(channel), LABELER_KEY)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .submitStream(new StreamObserver<>() {
                    @Override
                    public void onNext(SubmitStreamResponse value) {
                        result.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.forEach(out::onNext);
        out.onCompleted();
        return result.get(30, TimeUnit.SECONDS);
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        return ComparisonTopic.consumer();
    }

    private static long recordsOnTopic() {
        return ComparisonTopic.records();
    }

    /** The newest record of an id on rlhf.comparisons. */
    private static Comparison lastRecord(String id) throws Exception {
        Comparison last = lastRecordOrNull(id);
        assertThat(last).as("a record of %s", id).isNotNull();
        return last;
    }

    private static Comparison lastRecordOrNull(String id) throws Exception {
        return ComparisonTopic.lastOrNull(id);
    }
}
