package rlhf.demo.taskworld;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The JSONL line formats of every task-world data set (snake_case keys; one JSON object per line), simple
 * enough for any outside tool to write. See demo/README.md for examples.
 */
public final class DataRecords {

    private DataRecords() {
    }

    /** A prompt of the RM, PPO or evaluation sets. {@code split} is train, validation or test. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PromptRecord(String id, String userId, String split, String category, String kind, String prompt) {
    }

    /** One chat turn; role is system, user or assistant. */
    public record Message(String role, String content) {
    }

    /** An SFT demonstration in chat-message form: the user's prompt and the labeler-written assistant answer. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Demonstration(String id, String userId, String split, String category, String kind, String quality,
            List<Message> messages) {
    }

    /** A pretraining document: a prompt followed by an answer of some quality (the "internet text"). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CorpusDocument(String id, String category, String kind, String quality, String prompt, String answer) {
    }

    /** One ranked answer: its text, and optionally the labeler's Likert (1..7) and metadata labels. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RankedAnswer(String text, Integer likert, List<String> labels) {
    }

    /**
     * A labeler's ranking of K answers to one prompt: {@code ranking} lists tiers of answer indexes, best first;
     * answers in one tier are tied. The prompt is either {@code prompt} (text) or {@code messages} (a
     * conversation whose answer is the next assistant turn). {@code category} is the prompt's use case when known
     * (InstructGPT's metadata), so evaluations can report per category.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ComparisonRecord(String id, String userId, String split, String category, String prompt,
            List<Message> messages,
            List<RankedAnswer> answers, List<List<Integer>> ranking, String labelerId, String source) {
    }
}
