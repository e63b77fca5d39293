package rlhf.gateway.rest;

import java.util.concurrent.CompletionException;

import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import rlhf.gateway.service.ConflictException;
import rlhf.gateway.service.ForbiddenException;
import rlhf.gateway.service.RateLimitedException;
import rlhf.gateway.service.UnauthenticatedException;
import rlhf.service.InvalidInputException;

/** The REST API's one error mapping: RFC 9457 problem details naming the field, never a stack trace. */
public class GatewayErrors {

    @ServerExceptionMapper
    public RestResponse<Problem> invalid(InvalidInputException e) {
        return answer(ComparisonResource.problem(e), e);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> conflict(ConflictException e) {
        return answer(ComparisonResource.problem(e), e);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> tooLarge(PayloadTooLargeException e) {
        return answer(ComparisonResource.problem(e), e);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> unauthenticated(UnauthenticatedException e) {
        return answer(ComparisonResource.problem(e), e);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> forbidden(ForbiddenException e) {
        return answer(ComparisonResource.problem(e), e);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> rateLimited(RateLimitedException e) {
        return answer(ComparisonResource.problem(e), e);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> unwrapped(CompletionException e) {
        return answer(ComparisonResource.problem(e), e);
    }

    @ServerExceptionMapper
    public RestResponse<Problem> broker(org.apache.kafka.common.KafkaException e) {
        return answer(ComparisonResource.problem(e), e);
    }

    /** The problem as the response, with the headers its status calls for (WWW-Authenticate, Retry-After). */
    static RestResponse<Problem> answer(Problem p, Throwable cause) {
        RestResponse.ResponseBuilder<Problem> response = RestResponse.ResponseBuilder.<Problem>create(p.status())
                .entity(p).type(Problem.MEDIA_TYPE);
        Throwable f = cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause;
        if (f instanceof UnauthenticatedException) {
            response.header("WWW-Authenticate", "Bearer realm=\"rlhf\"");
        }
        if (f instanceof RateLimitedException r) {
            response.header("Retry-After", Long.toString(r.retryAfterSeconds()));
        }
        return response.build();
    }
}
