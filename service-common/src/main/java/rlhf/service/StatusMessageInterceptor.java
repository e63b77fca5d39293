package rlhf.service;

import java.nio.charset.StandardCharsets;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Sends every status description as the gRPC over HTTP/2 spec encodes {@code grpc-message}: UTF-8, with only the bytes
 * outside 0x20–0x7E and {@code %} percent-encoded, so {@code prompt: required (set text or chat)} travels byte for byte.
 *
 * <p>Why: the Vert.x gRPC server that Quarkus runs on the HTTP port (vertx-grpc 4.5.26, still so in 4.5.31) encodes
 * the description with {@link java.net.URLEncoder}, which also escapes spaces, colons and brackets. grpc-java decodes
 * that, but clients that follow the spec (grpc-js, grpc-dotnet, grpcurl's Go) show {@code prompt%3A%20required}. The
 * server writes a trailer called {@code grpc-message} as it is when the status itself carries no description, so this
 * interceptor moves the description there, encoded by the spec's rule. Only for that server: grpc-java's own Netty
 * server ({@code quarkus.grpc.server.use-separate-server=true}) discards such a trailer and encodes correctly itself.
 * Descriptions longer than 500 characters (an echoed input) are cut, so the trailers stay within clients' limits.
 */
@GlobalInterceptor
@ApplicationScoped
@Priority(200) // before CallLifetimeInterceptor: its call wraps the transport's, so it closes last
public class StatusMessageInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> GRPC_MESSAGE = Metadata.Key.of("grpc-message", Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (status.getDescription() != null && !status.isOk()) {
                    trailers.discardAll(GRPC_MESSAGE);
                    trailers.put(GRPC_MESSAGE, encode(bounded(status.getDescription())));
                    status = status.withDescription(null);
                }
                super.close(status, trailers);
            }
        }, headers);
    }

    /**
     * Ends a call from an interceptor (a refusal before any service sees it) with the description encoded as this class
     * encodes every other: correct wherever the interceptor sits in the chain, inside or outside this one.
     */
    public static void refuse(ServerCall<?, ?> call, Status status) {
        Metadata trailers = new Metadata();
        if (status.getDescription() != null) {
            trailers.put(GRPC_MESSAGE, encode(bounded(status.getDescription())));
        }
        call.close(status.withDescription(null), trailers);
    }

    /**
     * The description cut to {@value #MAX_DESCRIPTION_CODE_POINTS} code points, saying so. Why: a description may echo
     * a caller's input (an unknown id, a parameter name), and a client refuses trailers beyond its metadata limit
     * (grpc-java: 8 KiB), so an echoed megabyte would turn a clean status into a broken stream. 500 code points
     * encode to at most 6 KB.
     */
    static String bounded(String description) {
        int codePoints = description.codePointCount(0, description.length());
        if (codePoints <= MAX_DESCRIPTION_CODE_POINTS) {
            return description;
        }
        int end = description.offsetByCodePoints(0, MAX_DESCRIPTION_CODE_POINTS);
        return description.substring(0, end) + "… (cut at " + MAX_DESCRIPTION_CODE_POINTS + " of " + codePoints
                + " characters)";
    }

    static final int MAX_DESCRIPTION_CODE_POINTS = 500;

    /** The spec's percent-encoding: UTF-8 bytes outside 0x20–0x7E, and {@code %} itself, as {@code %XX}. */
    static String encode(String description) {
        StringBuilder out = new StringBuilder(description.length());
        for (byte b : description.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 0x20 && c <= 0x7e && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
