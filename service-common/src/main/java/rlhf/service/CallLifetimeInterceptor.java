package rlhf.service;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.annotation.Priority;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * For every service of the system: gives each call an {@link io.grpc.Context} that is cancelled when the caller's deadline passes, when the caller
 * cancels, and when the call ends. The Vert.x gRPC server that Quarkus runs on one port with HTTP neither reads
 * the {@code grpc-timeout} header into a deadline nor cancels a context, and Quarkus does not cancel a service's
 * {@code Uni} when the client goes away; this interceptor does both, so work for a caller that gave up is dropped.
 */
@GlobalInterceptor
@ApplicationScoped
@Priority(100) // outermost: the blocking-method dispatcher captures the context this interceptor attaches
public class CallLifetimeInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> TIMEOUT = Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);
    private static final Pattern TIMEOUT_VALUE = Pattern.compile("(\\d{1,8})([HMSmun])"); // gRPC over HTTP/2 spec

    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "grpc-call-deadlines");
        t.setDaemon(true);
        return t;
    });

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Context current = Context.current();
        Context.CancellableContext context = current.getDeadline() != null ? current.withCancellation()
                : timeoutNanos(headers.get(TIMEOUT))
                        .map(nanos -> current.withDeadlineAfter(nanos, TimeUnit.NANOSECONDS, deadlines))
                        .orElseGet(current::withCancellation);
        ServerCall.Listener<Q> listener;
        try {
            listener = Contexts.interceptCall(context, call, headers, next);
        } catch (RuntimeException e) {
            context.cancel(e);
            throw e;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    context.cancel(null);
                }
            }

            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    context.cancel(null); // also stops the deadline timer
                }
            }
        };
    }

    /** {@code grpc-timeout} as nanoseconds: 1 to 8 digits and a unit (Hours, Minutes, Seconds, milli, micro, nano). */
    static Optional<Long> timeoutNanos(String header) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = TIMEOUT_VALUE.matcher(header);
        if (!m.matches()) {
            return Optional.empty();
        }
        long value = Long.parseLong(m.group(1));
        TimeUnit unit = switch (m.group(2)) {
            case "H" -> TimeUnit.HOURS;
            case "M" -> TimeUnit.MINUTES;
            case "S" -> TimeUnit.SECONDS;
            case "m" -> TimeUnit.MILLISECONDS;
            case "u" -> TimeUnit.MICROSECONDS;
            default -> TimeUnit.NANOSECONDS;
        };
        return Optional.of(unit.toNanos(value));
    }

    @PreDestroy
    void stop() {
        deadlines.shutdownNow();
    }
}
