package rlhf.gateway.rest;

/** A request larger than one comparison may be (HTTP 413); the message names the field and the limit. */
final class PayloadTooLargeException extends RuntimeException {

    private final String field;

    PayloadTooLargeException(String field, String problem) {
        super(field + ": " + problem, null, false, false);
        this.field = field;
    }

    String field() {
        return field;
    }
}
