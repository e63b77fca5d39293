package rlhf.service.testing;

import java.util.concurrent.TimeUnit;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

/** Test helpers shared by the services' tests: talk to a running service over its real port. */
public final class ServiceProbes {

    private ServiceProbes() {
    }

    /** A plaintext channel to a service on localhost; the caller closes it. */
    public static ManagedChannel channel(int port) {
        return ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
    }

    /** Asks the standard gRPC health service ({@code grpc.health.v1.Health/Check}) about {@code service}. */
    public static ServingStatus grpcHealth(int port, String service) throws InterruptedException {
        ManagedChannel channel = channel(port);
        try {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService(service).build())
                    .getStatus();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
