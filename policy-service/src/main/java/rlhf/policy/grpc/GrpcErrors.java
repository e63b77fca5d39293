package rlhf.policy.grpc;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.jboss.logging.Logger;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import rlhf.policy.service.InvalidInputException;

/** The one mapping from the service's failures to gRPC statuses: a description naming the field or cause, never a stack trace. */
public final class GrpcErrors {

    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {
    }

    public static StatusRuntimeException toStatus(Throwable failure) {
        Throwable e = unwrap(failure);
        if (e instanceof StatusRuntimeException s) {
            return s;
        }
        if (e instanceof io.grpc.StatusException s) {
            return s.getStatus().asRuntimeException();
        }
        if (e instanceof InvalidInputException invalid) {
            return Status.INVALID_ARGUMENT.withDescription(invalid.getMessage()).asRuntimeException();
        }
        if (e instanceof CancellationException) {
            return Status.CANCELLED.withDescription("the call was cancelled").asRuntimeException();
        }
        LOG.errorf(e, "unexpected failure: %s", e.getMessage());
        return Status.INTERNAL.withDescription("internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage())
                .asRuntimeException();
    }

    /** The cause inside CompletionException / ExecutionException wrappers. */
    public static Throwable unwrap(Throwable failure) {
        Throwable e = failure;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
