package rlhf.service;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;

/**
 * Every service's one mapping from a failure to the status a caller sees: a description that names the field or the
 * cause, never a stack trace. Statuses pass through; {@link InvalidInputException} is INVALID_ARGUMENT; a cancelled
 * piece of work is DEADLINE_EXCEEDED when the call's deadline passed, else CANCELLED; a service adds the failures only
 * it knows; anything else is INTERNAL, logged here with its stack trace.
 */
public final class GrpcErrors {

    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {
    }

    /** The status of {@code failure}, without a call to tell a passed deadline from a cancellation. */
    public static StatusRuntimeException toStatus(Throwable failure) {
        return toStatus(failure, null, f -> null);
    }

    /**
     * @param call  the call's context (its deadline tells DEADLINE_EXCEEDED from CANCELLED); null when unknown
     * @param known the service's own failures: a status for those it knows, null for the rest
     */
    public static StatusRuntimeException toStatus(Throwable failure, Context call, Function<Throwable, Status> known) {
        Throwable f = unwrap(failure);
        if (f instanceof StatusRuntimeException e) {
            return e;
        }
        if (f instanceof StatusException e) {
            return e.getStatus().asRuntimeException(e.getTrailers());
        }
        if (f instanceof InvalidInputException e) {
            return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
        if (f instanceof CancellationException) {
            boolean deadline = call != null && call.getDeadline() != null && call.getDeadline().isExpired();
            return deadline ? Status.DEADLINE_EXCEEDED.withDescription("the call's deadline passed").asRuntimeException()
                    : Status.CANCELLED.withDescription("the call was cancelled").asRuntimeException();
        }
        Status status = known.apply(f);
        if (status != null) {
            return status.asRuntimeException();
        }
        LOG.errorf(f, "unexpected failure: %s", f.getMessage());
        return Status.INTERNAL.withDescription("internal error (" + f.getClass().getSimpleName() + "); logged "
                + "server-side").asRuntimeException();
    }

    /** The cause inside CompletionException / ExecutionException wrappers. */
    public static Throwable unwrap(Throwable failure) {
        Throwable f = failure;
        while ((f instanceof CompletionException || f instanceof ExecutionException) && f.getCause() != null) {
            f = f.getCause();
        }
        return f;
    }
}
