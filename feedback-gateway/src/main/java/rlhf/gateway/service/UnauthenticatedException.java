package rlhf.gateway.service;

/** No API key, or one the gateway does not know (HTTP 401, gRPC UNAUTHENTICATED). */
public final class UnauthenticatedException extends RuntimeException {

    public UnauthenticatedException(String problem) {
        super("authorization: " + problem, null, false, false);
    }
}
