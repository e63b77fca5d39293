package rlhf.policy.service;

/** Input that no model version could serve; the message names the field, e.g. {@code sampling.top_p: 1.5 not in (0, 1]}. */
public final class InvalidInputException extends RuntimeException {

    private final String field;

    public InvalidInputException(String field, String problem) {
        super(field + ": " + problem, null, false, false);
        this.field = field;
    }

    /** The offending field, in the contract's spelling ({@code sampling.temperature}, {@code n}). */
    public String field() {
        return field;
    }
}
