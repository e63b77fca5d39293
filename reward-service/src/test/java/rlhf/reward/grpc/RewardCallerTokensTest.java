package rlhf.reward.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URL;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import rlhf.reward.testing.RewardClient;
import rlhf.reward.testing.RewardStoreResource;
import rlhf.reward.v1.RewardServiceGrpc;
import rlhf.reward.v1.ScoreRequest;
import rlhf.service.testing.UnreachableKafkaProfile;

/**
 * Score keyed by configuration ({@code rlhf.callers.required=true}): a call without a caller token, with a malformed one
 * or with an unknown one is refused UNAUTHENTICATED, naming what was wrong and the key that asks for it, and is never
 * scored; a configured token is scored; the health service stays open for probes.
 */
@QuarkusTest
@TestProfile(RewardCallerTokensTest.Keyed.class)
@WithTestResource(RewardStoreResource.class)
class RewardCallerTokensTest {

    private static final String TOKEN = "policy-service-caller-0001";

    public static class Keyed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rlhf.callers.required", "true", "rlhf.callers.tokens.policy", TOKEN,
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
    void onlyCallsWithAConfiguredCallerTokenAreScored() {
        String before = RewardClient.metrics();
        for (var refused : Map.of("", "authorization: required: Bearer <caller token>",
                "Basic abc", "authorization: not a bearer token",
                "Bearer not-the-token-at-all", "authorization: unknown caller token").entrySet()) {
            StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                    () -> score(refused.getKey()));
            assertThat(e.getStatus().getCode()).as(refused.getKey()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(e.getStatus().getDescription()).startsWith(refused.getValue())
                    .contains("rlhf.callers.required").doesNotContain(TOKEN);
        }
        assertThat(RewardClient.sample(RewardClient.metrics(), "rlhf_reward_scores_total")
                - RewardClient.sample(before, "rlhf_reward_scores_total")).as("nothing scored for refused calls").isZero();

        assertThat(Float.isFinite(score("Bearer " + TOKEN))).isTrue();
        // grpc.health.v1.Health/Check with an empty HealthCheckRequest (zero bytes), no token: answered.
        MethodDescriptor.Marshaller<byte[]> bytes = new MethodDescriptor.Marshaller<>() {
            @Override
            public java.io.InputStream stream(byte[] value) {
                return new java.io.ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(java.io.InputStream stream) {
                try {
                    return stream.readAllBytes();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        MethodDescriptor<byte[], byte[]> check = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("grpc.health.v1.Health/Check")
                .setRequestMarshaller(bytes).setResponseMarshaller(bytes).build();
        assertThat(ClientCalls.blockingUnaryCall(client.channel(), check,
                io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[0]))
                .as("health needs no token: a HealthCheckResponse").isNotEmpty();
    }

    private float score(String authorization) {
        Metadata headers = new Metadata();
        if (!authorization.isEmpty()) {
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        }
        return RewardServiceGrpc.newBlockingStub(client.channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .score(ScoreRequest.newBuilder().setItem(RewardClient.text("Keyed?", "Yes.")).build()).getReward();
    }
}
