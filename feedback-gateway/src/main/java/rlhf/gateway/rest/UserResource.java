package rlhf.gateway.rest;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import com.google.protobuf.Timestamp;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import rlhf.feedback.v1.UserErasure;
import rlhf.gateway.messaging.ComparisonLog;
import rlhf.gateway.metrics.GatewayMetrics;
import rlhf.gateway.service.ApiKeys;
import rlhf.gateway.service.Caller;
import rlhf.gateway.service.ComparisonRules;

/** A user's right to erasure: recorded on Kafka, so every later training snapshot leaves the user's comparisons out. */
@Path("/v1/users")
@Tag(name = "users", description = "Erasure of a user's comparisons")
public class UserResource {

    /** What an erasure will drop. */
    public record Erasure(String userId, long comparisonsKnown, String effect) {
    }

    private final ApiKeys keys;
    private final ComparisonLog log;
    private final GatewayMetrics metrics;

    public UserResource(ApiKeys keys, ComparisonLog log, GatewayMetrics metrics) {
        this.keys = keys;
        this.log = log;
        this.metrics = metrics;
    }

    @DELETE
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Erase a user", description = "Records the erasure on rlhf.user-erasures (acknowledged by all "
            + "in-sync replicas); every later training snapshot leaves out every comparison of the user. Admin keys only.")
    @APIResponse(responseCode = "202", description = "recorded; says how many comparisons it covers today")
    @APIResponse(responseCode = "400", description = "not a user id")
    @APIResponse(responseCode = "401", description = "no API key, or an unknown one")
    @APIResponse(responseCode = "403", description = "not an admin key")
    public CompletionStage<RestResponse<Erasure>> erase(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @PathParam("id") String userId) {
        Caller caller = keys.authenticate(authorization);
        caller.checkAdmin("erasing a user");
        ComparisonRules.checkId(userId, "user_id");
        long known = log.users().comparisons(userId);
        Instant now = Instant.now();
        UserErasure erasure = UserErasure.newBuilder().setUserId(userId).setRequestedBy(caller.keyName())
                .setRequestedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setComparisonsKnown(known).build();
        return log.append(erasure).thenApply(metadata -> {
            metrics.erased();
            return RestResponse.status(RestResponse.Status.ACCEPTED, new Erasure(userId, known,
                    "every later training snapshot leaves out all comparisons of this user"));
        });
    }
}
