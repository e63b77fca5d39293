package rlhf.gateway.rest;

import java.util.concurrent.CompletionException;

import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import rlhf.gateway.service.ConflictException;
import rlhf.service.InvalidInputException;

/** The REST API's one error mapping: RFC 9457 problem details naming the field, never a stack trace. */
public class GatewayErrors {

    @ServerExceptionMapper
    public RestResponse<Problem> invalid(InvalidInputException e) {
        return answer(ComparisonResource.problem(e));
    }

    @ServerExceptionMapper
    public RestResponse<Problem> conflict(ConflictException e) {
        return answer(ComparisonResource.problem(e));
    }

    @ServerExceptionMapper
    public RestResponse<Problem> tooLarge(PayloadTooLargeException e) {
        return answer(ComparisonResource.problem(e));
    }

    @ServerExceptionMapper
    public RestResponse<Problem> unwrapped(CompletionException e) {
        return answer(ComparisonResource.problem(e));
    }

    @ServerExceptionMapper
    public RestResponse<Problem> broker(org.apache.kafka.common.KafkaException e) {
        return answer(ComparisonResource.problem(e));
    }

    private static RestResponse<Problem> answer(Problem p) {
        return RestResponse.ResponseBuilder.<Problem>create(p.status()).entity(p).type(Problem.MEDIA_TYPE).build();
    }
}
