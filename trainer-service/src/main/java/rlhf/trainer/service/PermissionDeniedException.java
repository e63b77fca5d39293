package rlhf.trainer.service;

/** A known key whose role does not allow the call: 403, PERMISSION_DENIED. */
public final class PermissionDeniedException extends RuntimeException {

    public PermissionDeniedException(String message) {
        super("authorization: " + message, null, false, false); // a client error: no stack trace worth keeping
    }
}
