package rlhf.gateway.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import rlhf.feedback.v1.Comparison;
import rlhf.gateway.chat.PolicyFailure;
import rlhf.gateway.config.GatewayConfig;
import rlhf.gateway.service.ApiKeys;
import rlhf.gateway.service.Caller;
import rlhf.gateway.service.ConflictException;
import rlhf.gateway.service.ForbiddenException;
import rlhf.gateway.service.Ingest;
import rlhf.gateway.service.RateLimitedException;
import rlhf.gateway.service.UnauthenticatedException;
import rlhf.service.GrpcErrors;
import rlhf.service.InvalidInputException;

/**
 * REST ingest of human comparisons. The body is a {@code Comparison} in protobuf's JSON mapping (the gRPC shape, field
 * names in lowerCamelCase or as in the .proto), so REST and gRPC take the same comparisons.
 */
@Path("/v1/comparisons")
@Tag(name = "comparisons", description = "Human comparisons in: ranked answers with ties, Likert, labels")
public class ComparisonResource {

    /** What a stored (or already stored) comparison is answered with. */
    public record Stored(String comparisonId, String split, boolean duplicate, boolean overPromptCap) {
        static Stored of(Ingest.Result r) {
            return new Stored(r.comparisonId(), r.split().name().substring("SPLIT_".length()).toLowerCase(),
                    r.duplicate(), r.overPromptCap());
        }
    }

    /** One item of a batch: 202 / 200 with the stored id, or the problem that refused it. */
    public record ItemResult(int index, int status, Stored stored, Problem problem) {
    }

    /** A batch's answer: counts and one result per item, in order. */
    public record BatchResult(int accepted, int duplicates, int rejected, List<ItemResult> items) {
    }

    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private final Ingest ingest;
    private final GatewayConfig config;
    private final ApiKeys keys;

    public ComparisonResource(Ingest ingest, GatewayConfig config, ApiKeys keys) {
        this.ingest = ingest;
        this.config = config;
        this.keys = keys;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit one comparison", description = "Answers 202 once the comparison is acknowledged by "
            + "all in-sync replicas of rlhf.comparisons, 200 when the same id with the same content is already stored.")
    @APIResponse(responseCode = "202", description = "stored")
    @APIResponse(responseCode = "200", description = "a duplicate of a stored comparison; nothing appended")
    @APIResponse(responseCode = "400", description = "a field is invalid; the problem names it")
    @APIResponse(responseCode = "409", description = "the id is stored with other content")
    @APIResponse(responseCode = "413", description = "the body is too large")
    @APIResponse(responseCode = "503", description = "not stored: the cluster did not acknowledge it")
    @APIResponse(responseCode = "401", description = "no API key, or an unknown one")
    @APIResponse(responseCode = "403", description = "the key's role does not allow it")
    @Blocking // validation and scrubbing are CPU work: on a worker thread, not the event loop
    @APIResponse(responseCode = "429", description = "over the key's or the user's rate; see Retry-After")
    public CompletionStage<RestResponse<Stored>> submit(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            byte[] bytes) {
        Caller caller = keys.authenticate(authorization);
        if (bytes.length > config.maxSubmissionBytes()) {
            throw new PayloadTooLargeException("comparison", bytes.length + " bytes > max "
                    + config.maxSubmissionBytes() + " for one comparison (use /v1/comparisons/batch for many)");
        }
        Comparison comparison = parse(JsonBodies.utf8(bytes, "comparison"), "comparison");
        return ingest.submit(comparison, caller).thenApply(ComparisonResource::answer);
    }

    /** 202 with the stored id, or 200 for a duplicate. */
    static RestResponse<Stored> answer(Ingest.Result r) {
        return RestResponse.status(r.duplicate() ? RestResponse.Status.OK : RestResponse.Status.ACCEPTED, Stored.of(r));
    }

    @POST
    @Path("/batch")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit many comparisons", description = "Body {\"comparisons\": [...]}: each is handled as "
            + "by a single submission (together, not one after another); the answer has one result per item, in order.")
    @APIResponse(responseCode = "200", description = "per-item results")
    @APIResponse(responseCode = "400", description = "the body is not a batch, or holds too many items")
    @APIResponse(responseCode = "401", description = "no API key, or an unknown one")
    @Blocking // parsing, validating and scrubbing a batch is CPU work: on a worker thread, not the event loop
    public CompletionStage<BatchResult> submitBatch(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            byte[] bytes) {
        Caller caller = keys.authenticate(authorization);
        List<BatchItems.Item> items = BatchItems.of(JsonBodies.utf8(bytes, "comparisons"), config.maxBatchItems());
        // One item after another on this thread, in order, each up to its append: the appends then go out together
        // (the producer batches them) and are awaited together. In order, so the first occurrence of an id in the batch
        // is the one appended; a later one waits for that append (SeenComparisons) and is judged against it. (Handing
        // every item to the worker pool instead cost more in thread hand-offs than the items' own work: 10 runnable
        // worker threads on 2 cores.)
        List<CompletableFuture<ItemResult>> results = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            results.add(item(i, items.get(i), caller));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(done -> tally(results.stream().map(CompletableFuture::join).toList()));
    }

    private CompletableFuture<ItemResult> item(int index, BatchItems.Item item, Caller caller) {
        try {
            String field = "comparisons[" + index + "]";
            if (item.json() == null) {
                throw new InvalidInputException(field, "not a comparison: expected a JSON object, got " + item.kind());
            }
            Comparison comparison = parse(item.json(), field);
            return ingest.submit(comparison, caller).handle((r, failure) -> failure == null
                    ? new ItemResult(index, r.duplicate() ? 200 : 202, Stored.of(r), null)
                    : new ItemResult(index, problem(failure).status(), null, problem(failure)));
        } catch (RuntimeException refused) { // invalid, forbidden, over a rate: nothing appended
            return CompletableFuture.completedFuture(new ItemResult(index, problem(refused).status(), null,
                    problem(refused)));
        }
    }

    private static BatchResult tally(List<ItemResult> items) {
        int accepted = (int) items.stream().filter(i -> i.status() == 202).count();
        int duplicates = (int) items.stream().filter(i -> i.status() == 200).count();
        return new BatchResult(accepted, duplicates, items.size() - accepted - duplicates, items);
    }

    private static Comparison parse(String json, String field) {
        if (json == null || json.isBlank()) {
            throw new InvalidInputException(field, "required: a comparison as JSON");
        }
        Comparison.Builder builder = Comparison.newBuilder();
        try {
            PARSER.merge(json, builder);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new InvalidInputException(field, "not a comparison: " + e.getMessage());
        }
        return builder.build();
    }

    /** The problem a failed item is answered with. */
    static Problem problem(Throwable failure) {
        Throwable f = GrpcErrors.unwrap(failure);
        if (f instanceof InvalidInputException e) {
            return Problem.invalid(e.field(), e.getMessage());
        }
        if (f instanceof ConflictException e) {
            return Problem.conflict(e.field(), e.getMessage());
        }
        if (f instanceof PayloadTooLargeException e) {
            return Problem.tooLarge(e.field(), e.getMessage());
        }
        if (f instanceof UnauthenticatedException e) {
            return Problem.unauthenticated(e.getMessage());
        }
        if (f instanceof ForbiddenException e) {
            return Problem.forbidden(e.field(), e.getMessage());
        }
        if (f instanceof RateLimitedException e) {
            return Problem.rateLimited(e.getMessage());
        }
        if (f instanceof PolicyFailure e) {
            return Problem.policy(e.httpStatus(), e.field(), e.getMessage());
        }
        return Problem.unavailable("not stored: the Kafka cluster did not acknowledge the comparison ("
                + f.getClass().getSimpleName() + "); retry with the same comparison_id");
    }
}
