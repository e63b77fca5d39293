package rlhf.gateway.rest;

import java.util.concurrent.CompletionException;

import org.apache.kafka.common.KafkaException;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import rlhf.gateway.chat.PolicyFailure;
import rlhf.gateway.service.ConflictException;
import rlhf.gateway.service.ForbiddenException;
import rlhf.gateway.service.RateLimitedException;
import rlhf.gateway.service.UnauthenticatedException;
import rlhf.service.GrpcErrors;
import rlhf.service.InvalidInputException;

/** The REST API's one error mapping: RFC 9457 problem details naming the field, never a stack trace. */
public class GatewayErrors {

    @ServerExceptionMapper({InvalidInputException.class, ConflictException.class, PayloadTooLargeException.class,
        UnauthenticatedException.class, ForbiddenException.class, RateLimitedException.class,
        CompletionException.class, KafkaException.class, PolicyFailure.class})
    public RestResponse<Problem> problem(RuntimeException e) {
        return answer(ComparisonResource.problem(e), e);
    }

    /** The problem as the response, with the headers its status calls for (WWW-Authenticate, Retry-After). */
    static RestResponse<Problem> answer(Problem p, Throwable cause) {
        RestResponse.ResponseBuilder<Problem> response = RestResponse.ResponseBuilder.<Problem>create(p.status())
                .entity(p).type(Problem.MEDIA_TYPE);
        Throwable f = GrpcErrors.unwrap(cause);
        if (f instanceof UnauthenticatedException) {
            response.header("WWW-Authenticate", "Bearer realm=\"rlhf\"");
        }
        if (f instanceof RateLimitedException r) {
            response.header("Retry-After", Long.toString(r.retryAfterSeconds()));
        }
        return response.build();
    }
}
