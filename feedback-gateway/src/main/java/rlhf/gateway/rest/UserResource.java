package rlhf.gateway.rest;

import java.util.concurrent.CompletionStage;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import rlhf.gateway.service.ApiKeys;
import rlhf.gateway.service.Erasures;

/** A user's right to erasure: recorded on Kafka, so every later training snapshot leaves the user's comparisons out. */
@Path("/v1/users")
@Tag(name = "users", description = "Erasure of a user's comparisons")
public class UserResource {

    private final ApiKeys keys;
    private final Erasures erasures;

    public UserResource(ApiKeys keys, Erasures erasures) {
        this.keys = keys;
        this.erasures = erasures;
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
    public CompletionStage<RestResponse<Erasures.Erased>> erase(
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String userId) {
        return erasures.erase(keys.authenticate(authorization), userId)
                .thenApply(e -> RestResponse.status(RestResponse.Status.ACCEPTED, e));
    }
}
