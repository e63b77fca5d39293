package rlhf.service;

import java.util.Optional;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Gives the transport's refusal of an oversized request message a description: the limit in bytes and the key that
 * sets it, e.g. {@code request message larger than 4194304 bytes (quarkus.grpc.server.max-inbound-message-size)}.
 *
 * <p>Why here: the Vert.x gRPC server that Quarkus runs on the HTTP port (vertx-grpc-server 4.5.26,
 * {@code GrpcServerImpl}) answers a message above its limit with {@code status(RESOURCE_EXHAUSTED).end()} and no
 * {@code grpc-message}, before any interceptor or service sees it, so callers saw RESOURCE_EXHAUSTED with an empty
 * description. The answer is a Trailers-Only response (the status travels in the HTTP headers), so this HTTP filter
 * adds the description just before those headers are written, to a RESOURCE_EXHAUSTED without a description only:
 * every status the services themselves send carries one.
 */
@Singleton
public class GrpcMessageSizeLimit {

    /** Quarkus' key of the limit; Vert.x's own default applies when it is unset. */
    public static final String KEY = "quarkus.grpc.server.max-inbound-message-size";
    static final long VERTX_DEFAULT_BYTES = 256 * 1024;
    /** Before the gRPC route (order ≥ 0): Quarkus routes a filter of priority p at order −p. */
    private static final int PRIORITY = 10_000;
    private static final String RESOURCE_EXHAUSTED = "8";

    private final String description;

    public GrpcMessageSizeLimit(@ConfigProperty(name = KEY) Optional<Long> limitBytes) {
        this.description = description(limitBytes.orElse(VERTX_DEFAULT_BYTES));
    }

    static String description(long limitBytes) {
        return "request message larger than " + limitBytes + " bytes (" + KEY + ")";
    }

    void register(@Observes Filters filters) {
        filters.register(this::handle, PRIORITY);
    }

    private void handle(RoutingContext rc) {
        String type = rc.request().getHeader("content-type");
        if (type != null && type.startsWith("application/grpc")) {
            rc.addHeadersEndHandler(v -> describe(rc.response().headers(), description));
        }
        rc.next();
    }

    /** Adds {@code grpc-message} to a Trailers-Only RESOURCE_EXHAUSTED that has none. */
    static void describe(MultiMap headers, String description) {
        if (RESOURCE_EXHAUSTED.equals(headers.get("grpc-status")) && headers.get("grpc-message") == null) {
            headers.set("grpc-message", StatusMessageInterceptor.encode(description));
        }
    }
}
