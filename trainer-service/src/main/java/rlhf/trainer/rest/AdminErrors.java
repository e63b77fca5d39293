package rlhf.trainer.rest;

import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import rlhf.trainer.jobs.InvalidParameterException;
import rlhf.trainer.jobs.JobPreconditionException;
import rlhf.trainer.service.JobBusyException;
import rlhf.trainer.service.JobNotFoundException;
import rlhf.trainer.service.PermissionDeniedException;
import rlhf.trainer.service.UnauthenticatedException;

/** The REST admin API's one error mapping: a status and a JSON body naming the cause, never a stack trace. */
public class AdminErrors {

    /** Error body; {@code parameter} is set for a bad parameter. */
    public record Error(String error, String parameter) {
    }

    @ServerExceptionMapper
    public RestResponse<Error> invalid(InvalidParameterException e) {
        return RestResponse.status(RestResponse.Status.BAD_REQUEST, new Error(e.getMessage(), e.parameter()));
    }

    @ServerExceptionMapper
    public RestResponse<Error> unauthenticated(UnauthenticatedException e) {
        return RestResponse.ResponseBuilder.create(RestResponse.Status.UNAUTHORIZED, new Error(e.getMessage(),
                "authorization")).header("WWW-Authenticate", "Bearer realm=\"trainer-admin\"").build();
    }

    @ServerExceptionMapper
    public RestResponse<Error> forbidden(PermissionDeniedException e) {
        return RestResponse.status(RestResponse.Status.FORBIDDEN, new Error(e.getMessage(), "authorization"));
    }

    @ServerExceptionMapper
    public RestResponse<Error> busy(JobBusyException e) {
        return RestResponse.status(RestResponse.Status.CONFLICT, new Error(e.getMessage(), null));
    }

    @ServerExceptionMapper
    public RestResponse<Error> precondition(JobPreconditionException e) {
        return RestResponse.status(RestResponse.Status.CONFLICT, new Error(e.getMessage(), null));
    }

    @ServerExceptionMapper
    public RestResponse<Error> notFound(JobNotFoundException e) {
        return RestResponse.status(RestResponse.Status.NOT_FOUND, new Error(e.getMessage(), null));
    }

    @ServerExceptionMapper
    public RestResponse<Error> later(UnsupportedOperationException e) {
        return RestResponse.status(RestResponse.Status.NOT_IMPLEMENTED, new Error(e.getMessage(), "kind"));
    }
}
