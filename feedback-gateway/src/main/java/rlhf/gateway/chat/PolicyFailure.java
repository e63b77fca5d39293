package rlhf.gateway.chat;

/**
 * policy-service could not answer: {@code 504} when the deadline passed, {@code 503} when no policy is served or the
 * service is unreachable, {@code 400} when it refused the request (e.g. a conversation longer than the model's
 * context).
 */
public final class PolicyFailure extends RuntimeException {

    private final int httpStatus;
    private final String field;

    public PolicyFailure(int httpStatus, String field, String problem) {
        super(problem, null, false, false);
        this.httpStatus = httpStatus;
        this.field = field;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The offending field for a 400, else null. */
    public String field() {
        return field;
    }
}
