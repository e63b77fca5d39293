package rlhf.gateway.service;

/** A known caller asking for what its role does not allow (HTTP 403, gRPC PERMISSION_DENIED). */
public final class ForbiddenException extends RuntimeException {

    private final String field;

    public ForbiddenException(String field, String problem) {
        super(field + ": " + problem, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
