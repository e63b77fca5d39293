package rlhf.gateway.chat;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import rlhf.gateway.rest.Problem;

/** The JSON shapes of the chat and labeling APIs. */
public final class ChatShapes {

    private ChatShapes() {
    }

    /** One turn of a conversation: role {@code system}, {@code user} or {@code assistant}. */
    public record Turn(String role, String content) {
    }

    /**
     * A chat request: the conversation so far (the last turn the user's) and how many answers (1, or 2 to compare).
     *
     * @param seed optional sampling seed; the same seed, conversation and model give the same answers
     */
    public record ChatRequest(String conversationId, String userId, List<Turn> messages, Integer n, Long seed) {
    }

    /** The model that produced an answer: kind {@code policy}, {@code sft} or {@code base}, and its version. */
    public record Model(String kind, long version) {
    }

    /** One served answer with its tamper-evident reference. */
    public record ServedAnswer(int index, String text, Model model, String reference, String finishReason) {
    }

    /** The answers to one chat request. */
    public record ChatReply(String conversationId, List<ServedAnswer> answers) {
    }

    /**
     * One server-sent event of a streamed chat: {@code token} (index, delta), {@code answer} (a finished answer, with
     * its reference), {@code error} (a problem; the stream ends) and {@code done}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ChatEvent(String type, Integer index, String delta, ServedAnswer answer, Problem problem) {
        public static ChatEvent token(int index, String delta) {
            return new ChatEvent("token", index, delta, null, null);
        }

        public static ChatEvent answer(ServedAnswer answer) {
            return new ChatEvent("answer", answer.index(), null, answer, null);
        }

        public static ChatEvent error(Problem problem) {
            return new ChatEvent("error", null, null, null, problem);
        }

        public static ChatEvent done() {
            return new ChatEvent("done", null, null, null, null);
        }
    }

    /** An answer as feedback names it: what was served, with its reference. */
    public record NamedAnswer(String text, Model model, String reference) {
    }

    /**
     * A chat user's preference between the two answers served for one request.
     *
     * @param choice {@code a}, {@code b}, {@code tie} or {@code both_bad}
     * @param likert optional Likert 1..7 per answer (null or 0: not rated)
     * @param labels optional labels per answer ({@code fails_task}, {@code verbose}, …)
     */
    public record ChatFeedback(String conversationId, String userId, List<Turn> messages, List<NamedAnswer> answers,
            String choice, List<Integer> likert, List<List<String>> labels) {
    }

    /**
     * A prompt for the labeling queue.
     *
     * @param models the models whose answers the task mixes ({@link QueuedPrompts#models()}); empty: the served policy
     */
    public record QueuedPrompt(String userId, String text, List<Model> models) {
        public QueuedPrompt(String userId, String text) {
            this(userId, text, List.of());
        }
    }

    /**
     * Prompts to queue.
     *
     * @param models optional, up to 4 stored versions ({@code {"kind": "policy", "version": 7}}) whose answers each task
     *               mixes in shuffled order, so labelers compare versions (what the Elo of versions is computed from);
     *               absent: K answers of the served policy
     */
    public record QueuedPrompts(List<QueuedPrompt> prompts, List<Model> models) {
    }

    /** What queuing answered. */
    public record Queued(int queued, int waiting) {
    }

    /** A labeling task: a prompt and K answers of the current policy. */
    public record Task(String taskId, String userId, String prompt, List<ServedAnswer> answers,
            boolean doubleLabeled) {
    }

    /**
     * A labeler's verdict on a task.
     *
     * @param tiers     answer indexes per tier, best first (ties inside a tier); for {@code all_bad}: empty or one tier
     * @param judgement {@code ranked} (default) or {@code all_bad}
     * @param labelerId optional; a labeler key may only submit as its own labeler
     */
    public record Ranking(String userId, String prompt, List<NamedAnswer> answers, List<List<Integer>> tiers,
            List<Integer> likert, List<List<String>> labels, String judgement, String labelerId) {
    }
}
