package rlhf.reward.service;

import java.util.List;
import java.util.Objects;

import rlhf.model.tokenizer.ChatMessage;

/**
 * One prompt–answer pair to score, already checked for shape at the edge; {@code field} names it in error
 * messages (e.g. {@code items[3]}), since checks that need the model (vocabulary, length) happen later.
 */
public sealed interface ScoreInput {

    /** Where the pair sits in the request, e.g. {@code item}, {@code items[3]} or {@code answer_b}. */
    String field();

    /** Prompt and answer as text: the server tokenizes them with the scoring version's tokenizer. */
    record Text(String field, Prompt prompt, String answer) implements ScoreInput {
        public Text {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(prompt, "prompt");
            Objects.requireNonNull(answer, "answer");
        }
    }

    /** Prompt and answer as token ids of the reward model's tokenizer, taken as they are. */
    record Tokens(String field, int[] promptIds, int[] answerIds) implements ScoreInput {
        public Tokens {
            Objects.requireNonNull(field, "field");
            if (promptIds.length == 0 || answerIds.length == 0) {
                throw new IllegalArgumentException("prompt and answer ids must be non-empty");
            }
        }
    }

    /** A prompt: a single user turn, or a whole conversation rendered by the model's chat template. */
    sealed interface Prompt {
    }

    /** A single user turn. */
    record UserText(String text) implements Prompt {
        public UserText {
            Objects.requireNonNull(text, "text");
        }
    }

    /** A conversation, oldest turn first; the assistant's next turn is the answer. */
    record Chat(List<ChatMessage> messages) implements Prompt {
        public Chat {
            messages = List.copyOf(messages);
        }
    }
}
