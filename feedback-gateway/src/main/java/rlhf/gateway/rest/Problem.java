package rlhf.gateway.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An error as RFC 9457 problem details ({@code application/problem+json}), with the offending field's path as an
 * extension member.
 *
 * @param type   a URI naming the kind of problem
 * @param title  the kind in words
 * @param status the HTTP status
 * @param detail this occurrence in words
 * @param field  the offending field, e.g. {@code comparison.answers[2].likert}; absent when no field is at fault
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field) {

    public static final String MEDIA_TYPE = "application/problem+json";

    static Problem invalid(String field, String detail) {
        return new Problem("urn:rlhf:problem:invalid-field", "Invalid field", 400, detail, field);
    }

    static Problem conflict(String field, String detail) {
        return new Problem("urn:rlhf:problem:conflict", "Comparison id already used", 409, detail, field);
    }

    static Problem tooLarge(String field, String detail) {
        return new Problem("urn:rlhf:problem:too-large", "Request too large", 413, detail, field);
    }

    static Problem unauthenticated(String detail) {
        return new Problem("urn:rlhf:problem:unauthenticated", "API key required", 401, detail, "authorization");
    }

    static Problem forbidden(String field, String detail) {
        return new Problem("urn:rlhf:problem:forbidden", "Not allowed for this key", 403, detail, field);
    }

    static Problem rateLimited(String detail) {
        return new Problem("urn:rlhf:problem:rate-limited", "Too many requests", 429, detail, null);
    }

    static Problem policy(int status, String field, String detail) {
        return switch (status) {
            case 504 -> new Problem("urn:rlhf:problem:policy-timeout", "The policy did not answer in time", 504, detail,
                    null);
            case 400 -> invalid(field, detail);
            default -> new Problem("urn:rlhf:problem:no-policy", "No policy served", 503, detail, null);
        };
    }

    static Problem unavailable(String detail) {
        return new Problem("urn:rlhf:problem:not-stored", "Not stored", 503, detail, null);
    }
}
