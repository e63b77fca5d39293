package rlhf.gateway.service;

/** A submission that contradicts what is stored (HTTP 409, gRPC ALREADY_EXISTS); the message names the field. */
public final class ConflictException extends RuntimeException {

    private final String field;

    public ConflictException(String field, String problem) {
        super(field + ": " + problem, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
