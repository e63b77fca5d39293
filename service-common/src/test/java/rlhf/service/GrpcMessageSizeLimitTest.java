package rlhf.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.vertx.core.MultiMap;

/** The services' tests show it over real ports; this pins which answers it touches. */
class GrpcMessageSizeLimitTest {

    private static final String DESCRIPTION = GrpcMessageSizeLimit.description(4_194_304);

    @Test
    void theDescriptionNamesTheLimitAndItsKey() {
        assertThat(DESCRIPTION).isEqualTo(
                "request message larger than 4194304 bytes (quarkus.grpc.server.max-inbound-message-size)");
    }

    @Test
    void onlyADescriptionlessResourceExhaustedGetsIt() {
        MultiMap bare = MultiMap.caseInsensitiveMultiMap().add("grpc-status", "8");
        GrpcMessageSizeLimit.describe(bare, DESCRIPTION);
        assertThat(bare.get("grpc-message")).isEqualTo(DESCRIPTION); // printable ASCII travels as it is

        MultiMap described = MultiMap.caseInsensitiveMultiMap().add("grpc-status", "8").add("grpc-message", "queue full");
        GrpcMessageSizeLimit.describe(described, DESCRIPTION);
        assertThat(described.get("grpc-message")).isEqualTo("queue full");

        MultiMap other = MultiMap.caseInsensitiveMultiMap().add("grpc-status", "3");
        GrpcMessageSizeLimit.describe(other, DESCRIPTION);
        assertThat(other.contains("grpc-message")).isFalse();

        MultiMap ok = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/grpc");
        GrpcMessageSizeLimit.describe(ok, DESCRIPTION);
        assertThat(ok.contains("grpc-message")).isFalse();
    }
}
