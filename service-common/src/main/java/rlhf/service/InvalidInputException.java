package rlhf.service;

/**
 * Input a service cannot serve; the message starts with the offending field in the contract's spelling, e.g.
 * {@code sampling.top_p: 1.5 not in (0, 1]} or {@code items[3].answer: required}. {@link GrpcErrors} answers it with
 * INVALID_ARGUMENT.
 */
public final class InvalidInputException extends RuntimeException {

    private final String field;

    public InvalidInputException(String field, String problem) {
        super(field + ": " + problem, null, false, false); // a client error: no stack trace worth keeping
        this.field = field;
    }

    /** The offending field, e.g. {@code sampling.temperature}. */
    public String field() {
        return field;
    }
}
