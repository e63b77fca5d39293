package rlhf.service;

import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@link CallersConfig} at the gRPC edge: with {@code rlhf.callers.required=true}, a call without a configured caller
 * token ends here with UNAUTHENTICATED naming what is missing (never the token), before any service sees it; the
 * standard health service and server reflection stay open for probes and tools. Off, every call passes untouched.
 */
@GlobalInterceptor
@ApplicationScoped
@Priority(300) // after CallLifetimeInterceptor (100)
public class CallerAuthorization implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final boolean required;
    private final BearerTokens tokens;

    public CallerAuthorization(CallersConfig config) {
        this.required = config.required();
        config.tokens().forEach((name, token) -> {
            if (token.length() < 16) {
                throw new IllegalArgumentException("rlhf.callers.tokens." + name + " must have at least 16 characters");
            }
        });
        if (required && config.tokens().isEmpty()) {
            throw new IllegalArgumentException(
                    "rlhf.callers.required=true needs at least one rlhf.callers.tokens.<caller name>");
        }
        this.tokens = new BearerTokens(config.tokens(), "caller token");
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (!required || open(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        try {
            tokens.keyName(headers.get(AUTHORIZATION));
            return next.startCall(call, headers);
        } catch (BearerTokens.Refused e) {
            StatusMessageInterceptor.refuse(call, Status.UNAUTHENTICATED.withDescription("authorization: "
                    + e.getMessage() + " (this service requires a caller token: rlhf.callers.required)"));
            return new ServerCall.Listener<>() {
            };
        }
    }

    private static boolean open(String service) {
        return service != null && (service.equals("grpc.health.v1.Health") || service.startsWith("grpc.reflection."));
    }

    /** Adds {@code rlhf.callers.outgoing-token} to this service's outgoing gRPC calls that carry no authorization. */
    @GlobalInterceptor
    @ApplicationScoped
    public static class Outgoing implements io.grpc.ClientInterceptor {

        private final String authorization;

        public Outgoing(CallersConfig config) {
            this.authorization = config.outgoingToken().map(t -> "Bearer " + t).orElse(null);
        }

        @Override
        public <Q, R> io.grpc.ClientCall<Q, R> interceptCall(io.grpc.MethodDescriptor<Q, R> method,
                io.grpc.CallOptions options, io.grpc.Channel next) {
            if (authorization == null) {
                return next.newCall(method, options);
            }
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    if (!headers.containsKey(AUTHORIZATION)) {
                        headers.put(AUTHORIZATION, authorization);
                    }
                    super.start(listener, headers);
                }
            };
        }
    }
}
