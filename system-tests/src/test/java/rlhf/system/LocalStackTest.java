package rlhf.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import rlhf.demo.LocalStack;

/** The local run end to end: a real broker and the four packaged services as separate processes. */
class LocalStackTest {

    @Test
    void allFourServicesBecomeReadyAndServeGrpcHealthThenStopCleanly(@TempDir Path workDir) throws Exception {
        Path root = Path.of(System.getProperty("rlhf.repo.root", ".."));
        List<LocalStack.Service> services = new ArrayList<>();
        for (LocalStack.Service s : LocalStack.defaultServices()) {
            services.add(new LocalStack.Service(s.name(), s.module(), freePort()));
        }
        List<String> progress = new ArrayList<>();
        LocalStack stack = LocalStack.start(root, workDir, 0, services);
        try {
            stack.awaitReady(Duration.ofMinutes(4), progress::add);
            for (LocalStack.Service s : services) {
                assertThat(grpcHealth(s.port())).as(s.name()).isEqualTo(ServingStatus.SERVING);
            }
        } finally {
            Map<String, Integer> exits = stack.stop();
            // Quarkus turns SIGTERM into an orderly shutdown and exits 0; 143 would mean killed by the signal.
            assertThat(exits).hasSize(4).allSatisfy((name, code) -> assertThat(code).as(name).isIn(0, 143));
        }
        // Without models in the store, the model services are up but say they are not ready; the others are ready.
        assertThat(progress).anyMatch(line -> line.startsWith("feedback-gateway") && line.contains(" ready "));
        assertThat(progress).anyMatch(line -> line.startsWith("trainer-service") && line.contains(" ready "));
        assertThat(progress).anyMatch(line -> line.startsWith("reward-service") && line.contains("up, not ready"));
    }

    private static ServingStatus grpcHealth(int port) throws InterruptedException {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        try {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
