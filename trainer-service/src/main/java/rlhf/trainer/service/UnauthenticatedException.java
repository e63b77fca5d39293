package rlhf.trainer.service;

/** A call that needs a key came without a known bearer token: 401 with {@code WWW-Authenticate: Bearer}, UNAUTHENTICATED. */
public final class UnauthenticatedException extends RuntimeException {

    public UnauthenticatedException(String message) {
        super("authorization: " + message, null, false, false); // a client error: no stack trace worth keeping
    }
}
