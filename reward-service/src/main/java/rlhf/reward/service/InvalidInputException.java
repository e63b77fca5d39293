package rlhf.reward.service;

/** Input the service cannot score; {@link #getMessage()} starts with the offending field, e.g. {@code items[3]: …}. */
public final class InvalidInputException extends RuntimeException {

    public InvalidInputException(String field, String problem) {
        super(field + ": " + problem, null, false, false); // a client error: no stack trace worth keeping
    }
}
