package rlhf.gateway.rest;

import java.util.concurrent.CompletionStage;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.RestStreamElementType;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import rlhf.gateway.chat.ChatShapes;
import rlhf.gateway.chat.Chats;
import rlhf.gateway.service.ApiKeys;

/**
 * The chat API (frontend keys): a conversation in, the served policy's answer out — whole, or token by token as
 * server-sent events — each answer with its model version and a tamper-evident reference; and the user's preference
 * between two answers in, as a comparison.
 */
@Path("/v1/chat")
@Tag(name = "chat", description = "Chat with the served policy; preferences between two answers")
public class ChatResource {

    private final Chats chats;
    private final ApiKeys keys;

    public ChatResource(Chats chats, ApiKeys keys) {
        this.chats = chats;
        this.keys = keys;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Answer a conversation", description = "Body {conversationId, userId, messages: [{role, "
            + "content}], n: 1 or 2, seed?}; the answers of policy-service with model and reference.")
    @APIResponse(responseCode = "200", description = "the answers")
    @APIResponse(responseCode = "400", description = "a field is invalid; the problem names it")
    @APIResponse(responseCode = "401", description = "no API key, or an unknown one")
    @APIResponse(responseCode = "403", description = "not a frontend key")
    @APIResponse(responseCode = "429", description = "over the key's or the user's rate; see Retry-After")
    @APIResponse(responseCode = "503", description = "no policy is served right now")
    @APIResponse(responseCode = "504", description = "policy-service did not answer within the deadline")
    public Uni<ChatShapes.ChatReply> chat(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body) {
        Chats.Asked asked = chats.check(keys.authenticate(authorization), JsonBodies.read(body,
                ChatShapes.ChatRequest.class));
        return chats.answer(asked);
    }

    @POST
    @Path("/stream")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "Answer a conversation token by token", description = "As POST /v1/chat, answered as "
            + "server-sent events: {type: token, index, delta} while sampling, {type: answer, answer} per finished "
            + "answer, then {type: done}; a failure after the stream began is one {type: error, problem} event.")
    @APIResponse(responseCode = "200", description = "the event stream")
    @APIResponse(responseCode = "400", description = "a field is invalid; the problem names it")
    public Multi<ChatShapes.ChatEvent> stream(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            byte[] body) {
        Chats.Asked asked = chats.check(keys.authenticate(authorization), JsonBodies.read(body,
                ChatShapes.ChatRequest.class));
        return chats.stream(asked).onFailure().recoverWithItem(f -> ChatShapes.ChatEvent.error(
                ComparisonResource.problem(f)));
    }

    @POST
    @Path("/feedback")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    @Operation(summary = "A user's preference between two served answers", description = "Body {conversationId, "
            + "userId, messages, answers: [{text, model, reference}] x 2, choice: a | b | tie | both_bad, likert?, "
            + "labels?}; stored as a comparison of source chat (202), a duplicate (200) or refused (4xx).")
    @APIResponse(responseCode = "202", description = "stored")
    @APIResponse(responseCode = "200", description = "already stored")
    @APIResponse(responseCode = "400", description = "a field is invalid, or a reference does not match what was served")
    @APIResponse(responseCode = "409", description = "another choice was already stored for these answers")
    public CompletionStage<RestResponse<ComparisonResource.Stored>> feedback(
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body) {
        return chats.feedback(keys.authenticate(authorization), JsonBodies.read(body, ChatShapes.ChatFeedback.class))
                .thenApply(ComparisonResource::answer);
    }
}
