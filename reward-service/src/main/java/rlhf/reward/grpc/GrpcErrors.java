package rlhf.reward.grpc;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.jboss.logging.Logger;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import rlhf.model.store.CheckpointCorruptException;
import rlhf.reward.service.InvalidInputException;

/**
 * The reward service's one exception → gRPC status mapping: every failure leaves as a status with a description that
 * names the field or the cause, never a stack trace. Unexpected failures are logged here, with their stack trace.
 */
public final class GrpcErrors {

    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {
    }

    /** The status {@code failure} answers with; {@code call} tells a passed deadline from a cancellation. */
    public static StatusRuntimeException toStatus(Throwable failure, Context call) {
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
            boolean deadline = call.getDeadline() != null && call.getDeadline().isExpired();
            return (deadline ? Status.DEADLINE_EXCEEDED : Status.CANCELLED)
                    .withDescription("not scored: " + (deadline ? "the call's deadline passed" : "the call was cancelled")
                            + " before its forward pass")
                    .asRuntimeException();
        }
        if (f instanceof CheckpointCorruptException e) {
            LOG.errorf("stored reward model unusable: %s", e.getMessage());
            return Status.FAILED_PRECONDITION.withDescription("reward_version: the stored version is unusable ("
                    + e.file().getFileName() + " does not match its manifest); ask operators").asRuntimeException();
        }
        LOG.errorf(f, "reward call failed unexpectedly: %s", f.getMessage());
        return Status.INTERNAL.withDescription("internal error in the reward service (logged server-side)").asRuntimeException();
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable f = failure;
        while ((f instanceof CompletionException || f instanceof ExecutionException) && f.getCause() != null) {
            f = f.getCause();
        }
        return f;
    }
}
