package rlhf.service.testing;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;

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

    /**
     * One unary gRPC call made by hand over HTTP/2 (prior knowledge, no gRPC library), answering the response's
     * headers and trailers exactly as they crossed the wire: what a non-Java client's decoder is given.
     *
     * @param path    {@code /package.Service/Method}
     * @param message the serialized request message
     */
    public static Map<String, String> rawGrpcHeadersAndTrailers(int port, String path, byte[] message) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
                    .setHttp2ClearTextUpgrade(false));
            Buffer frame = Buffer.buffer().appendByte((byte) 0).appendInt(message.length).appendBytes(message);
            CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
            client.request(HttpMethod.POST, port, "localhost", path)
                    .compose(request -> request.putHeader("content-type", "application/grpc").putHeader("te", "trailers")
                            .send(frame))
                    .compose(response -> response.body().map(body -> headersAndTrailers(response)))
                    .onSuccess(result::complete).onFailure(result::completeExceptionally);
            return result.get(30, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static Map<String, String> headersAndTrailers(HttpClientResponse response) {
        Map<String, String> all = new TreeMap<>();
        response.headers().forEach(e -> all.put(e.getKey(), e.getValue()));
        response.trailers().forEach(e -> all.put(e.getKey(), e.getValue()));
        return all;
    }
}
