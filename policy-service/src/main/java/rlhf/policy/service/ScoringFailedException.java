package rlhf.policy.service;

import io.grpc.StatusRuntimeException;

/** The reward service did not score a rollout task (after the retries it allows); the cause is its status. */
public final class ScoringFailedException extends RuntimeException {

    public ScoringFailedException(StatusRuntimeException cause) {
        super(cause.getStatus().getDescription() != null ? cause.getStatus().getDescription()
                : "reward service: " + cause.getStatus().getCode(), cause, false, false);
    }
}
