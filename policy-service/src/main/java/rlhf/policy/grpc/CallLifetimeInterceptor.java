package rlhf.policy.grpc;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Gives every call a cancellable {@link Context} that ends when the caller gives up: when the call is cancelled
 * (the client's deadline passed or it hung up) or when the deadline of its {@code grpc-timeout} header passes. The
 * Vert.x gRPC server, unlike grpc-java's own, sets neither, and Quarkus does not cancel a unary method's Uni;
 * handlers listen on {@code Context.current()} to stop work nobody waits for.
 */
@GlobalInterceptor
@ApplicationScoped
@Priority(100) // outermost: the blocking-method dispatcher captures the context this interceptor attaches
public class CallLifetimeInterceptor implements ServerInterceptor {

    private static final Metadata.Key<String> TIMEOUT = Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "grpc-call-deadlines");
        t.setDaemon(true);
        return t;
    });

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Context current = Context.current();
        Deadline deadline = current.getDeadline() != null ? null : deadline(headers.get(TIMEOUT));
        Context.CancellableContext context = deadline == null ? current.withCancellation()
                : current.withDeadline(deadline, DEADLINES);
        ServerCall.Listener<Q> listener = Contexts.interceptCall(context, call, headers, next);
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
                    context.cancel(null); // releases the deadline timer
                }
            }
        };
    }

    /** The gRPC wire form: up to 8 digits and a unit, e.g. {@code 250m} (H, M, S, m, u, n). Null when absent or malformed. */
    static Deadline deadline(String timeout) {
        if (timeout == null || timeout.length() < 2 || timeout.length() > 9) {
            return null;
        }
        long value;
        try {
            value = Long.parseLong(timeout.substring(0, timeout.length() - 1));
        } catch (NumberFormatException e) {
            return null;
        }
        TimeUnit unit = switch (timeout.charAt(timeout.length() - 1)) {
            case 'H' -> TimeUnit.HOURS;
            case 'M' -> TimeUnit.MINUTES;
            case 'S' -> TimeUnit.SECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            case 'n' -> TimeUnit.NANOSECONDS;
            default -> null;
        };
        return unit == null ? null : Deadline.after(value, unit);
    }
}
