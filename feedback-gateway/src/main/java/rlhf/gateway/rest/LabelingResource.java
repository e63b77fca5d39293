package rlhf.gateway.rest;

import java.util.concurrent.CompletionStage;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import rlhf.gateway.chat.ChatShapes;
import rlhf.gateway.chat.LabelingQueue;
import rlhf.gateway.service.ApiKeys;

/** The labeling API: prompts in (admin keys), tasks of K answers out and rankings in (labeler keys). */
@Path("/v1/labeling")
@Tag(name = "labeling", description = "Tasks of K policy answers for labelers to rank with ties")
public class LabelingResource {

    private final LabelingQueue queue;
    private final ApiKeys keys;

    public LabelingResource(LabelingQueue queue, ApiKeys keys) {
        this.queue = queue;
        this.keys = keys;
    }

    @POST
    @Path("/prompts")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Queue prompts for labeling", description = "Body {prompts: [{userId, text}]}; admin keys.")
    @APIResponse(responseCode = "202", description = "queued")
    @APIResponse(responseCode = "400", description = "a field is invalid; the problem names it")
    @APIResponse(responseCode = "403", description = "not an admin key")
    public RestResponse<ChatShapes.Queued> enqueue(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            byte[] body) {
        return RestResponse.accepted(queue.enqueue(keys.authenticate(authorization),
                JsonBodies.read(body, ChatShapes.QueuedPrompts.class)));
    }

    @GET
    @Path("/tasks/next")
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "The next task for this labeler", description = "A prompt and K answers of the current "
            + "policy, each with a reference; 204 when nothing waits.")
    @APIResponse(responseCode = "200", description = "a task")
    @APIResponse(responseCode = "204", description = "no task waits for this labeler")
    @APIResponse(responseCode = "403", description = "not a labeler key")
    @APIResponse(responseCode = "503", description = "no policy is served right now")
    public Uni<RestResponse<ChatShapes.Task>> next(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return queue.next(keys.authenticate(authorization))
                .map(task -> task.map(RestResponse::ok).orElseGet(RestResponse::noContent));
    }

    @POST
    @Path("/tasks/{taskId}/skip")
    @Blocking
    @Operation(summary = "Skip a task", description = "It goes to another labeler.")
    @APIResponse(responseCode = "204", description = "skipped")
    public RestResponse<Void> skip(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @PathParam("taskId") String taskId) {
        queue.skip(keys.authenticate(authorization), taskId);
        return RestResponse.noContent();
    }

    @POST
    @Path("/tasks/{taskId}/ranking")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Rank a task's answers", description = "Body {userId, prompt, answers: [{text, model, "
            + "reference}], tiers: [[i, …], …] best first, likert?, labels?, judgement: ranked | all_bad}; stored as a "
            + "comparison of source labeling-page with id <taskId>:<labeler>.")
    @APIResponse(responseCode = "202", description = "stored")
    @APIResponse(responseCode = "200", description = "already stored")
    @APIResponse(responseCode = "400", description = "a field is invalid, or a reference does not match what was served")
    @APIResponse(responseCode = "403", description = "not a labeler key, or a labeler posting as another")
    @APIResponse(responseCode = "409", description = "this labeler already stored another ranking of the task")
    public CompletionStage<RestResponse<ComparisonResource.Stored>> rank(
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("taskId") String taskId,
            byte[] body) {
        return queue.rank(keys.authenticate(authorization), taskId, JsonBodies.read(body, ChatShapes.Ranking.class))
                .thenApply(ComparisonResource::answer);
    }
}
