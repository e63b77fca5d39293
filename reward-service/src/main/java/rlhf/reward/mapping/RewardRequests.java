package rlhf.reward.mapping;

import java.util.ArrayList;
import java.util.List;

import rlhf.common.v1.Conversation;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.Role;
import rlhf.model.tokenizer.ChatMessage;
import rlhf.reward.service.ScoreInput;
import rlhf.reward.service.ScoringRequest;
import rlhf.reward.v1.CompareRequest;
import rlhf.reward.v1.PromptAnswer;
import rlhf.reward.v1.ScoreBatchRequest;
import rlhf.reward.v1.ScoreRequest;
import rlhf.reward.v1.TextPair;
import rlhf.reward.v1.TokenPair;
import rlhf.service.InputLimits;
import rlhf.service.InvalidInputException;

/**
 * Requests of {@code rlhf.reward.v1} → {@link ScoringRequest}, checking everything that needs no model; a violation
 * is an {@link InvalidInputException} naming the field by its proto path (e.g.
 * {@code items[3].text.prompt.chat.messages[2].role}). Checks that need the model (vocabulary, length) follow in
 * the service.
 */
public final class RewardRequests {

    /**
     * The server's bounds on the sizes inside one request, checked before anything is tokenized.
     *
     * @param maxItems        {@code rlhf.reward.max-items-per-request}: most items of one ScoreBatch
     * @param maxTextChars    {@code rlhf.reward.max-text-chars}: longest prompt (all turns together) or answer text
     * @param maxChatMessages {@code rlhf.reward.max-chat-messages}: most turns of a chat prompt
     */
    public record Bounds(int maxItems, int maxTextChars, int maxChatMessages) {
    }

    private RewardRequests() {
    }

    public static ScoringRequest score(ScoreRequest request, Bounds bounds) {
        long version = version(request.getRewardVersion());
        if (!request.hasItem()) {
            throw new InvalidInputException("item", "required");
        }
        return new ScoringRequest(List.of(item(request.getItem(), "item", bounds)), version);
    }

    public static ScoringRequest scoreBatch(ScoreBatchRequest request, Bounds bounds) {
        long version = version(request.getRewardVersion());
        int n = request.getItemsCount();
        if (n == 0) {
            throw new InvalidInputException("items", "must hold at least one item");
        }
        if (n > bounds.maxItems()) {
            throw new InvalidInputException("items", n + " > max " + bounds.maxItems()
                    + " (rlhf.reward.max-items-per-request)");
        }
        List<ScoreInput> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(item(request.getItems(i), "items[" + i + "]", bounds));
        }
        return new ScoringRequest(items, version);
    }

    /**
     * The two pairs (prompt, answer_a) and (prompt, answer_b), in that order. Both answers must be set: an empty
     * answer is a candidate like any other (it is scored, usually low), but only when the caller set it to "",
     * so a client that forgot the field hears so instead of a preference between two blanks.
     */
    public static ScoringRequest compare(CompareRequest request, Bounds bounds) {
        long version = version(request.getRewardVersion());
        if (!request.hasPrompt()) {
            throw new InvalidInputException("prompt", "required");
        }
        if (!request.hasAnswerA()) {
            throw new InvalidInputException("answer_a", "required (an empty answer is compared when set to \"\")");
        }
        if (!request.hasAnswerB()) {
            throw new InvalidInputException("answer_b", "required (an empty answer is compared when set to \"\")");
        }
        ScoreInput.Prompt prompt = prompt(request.getPrompt(), "prompt", bounds);
        return new ScoringRequest(List.of(
                new ScoreInput.Text("answer_a", prompt, answer(request.getAnswerA(), "answer_a", bounds)),
                new ScoreInput.Text("answer_b", prompt, answer(request.getAnswerB(), "answer_b", bounds))), version);
    }

    private static String answer(String answer, String field, Bounds bounds) {
        InputLimits.checkChars(field, answer, bounds.maxTextChars(), "rlhf.reward.max-text-chars");
        return answer;
    }

    private static long version(long rewardVersion) {
        if (rewardVersion < 0) {
            throw new InvalidInputException("reward_version", "must be >= 1, or 0 for the newest; was " + rewardVersion);
        }
        return rewardVersion;
    }

    static ScoreInput item(PromptAnswer item, String field, Bounds bounds) {
        return switch (item.getInputCase()) {
            case TEXT -> text(item.getText(), field, bounds);
            case TOKENS -> tokens(item.getTokens(), field);
            case INPUT_NOT_SET -> throw new InvalidInputException(field, "must set text or tokens");
        };
    }

    private static ScoreInput text(TextPair pair, String field, Bounds bounds) {
        if (!pair.hasPrompt()) {
            throw new InvalidInputException(field + ".text.prompt", "required");
        }
        return new ScoreInput.Text(field, prompt(pair.getPrompt(), field + ".text.prompt", bounds),
                answer(pair.getAnswer(), field + ".text.answer", bounds));
    }

    private static ScoreInput tokens(TokenPair pair, String field) {
        if (pair.getPromptTokenIdsCount() == 0) {
            throw new InvalidInputException(field + ".tokens.prompt_token_ids", "must not be empty");
        }
        if (pair.getAnswerTokenIdsCount() == 0) {
            throw new InvalidInputException(field + ".tokens.answer_token_ids", "must not be empty");
        }
        return new ScoreInput.Tokens(field, toArray(pair.getPromptTokenIdsList()), toArray(pair.getAnswerTokenIdsList()));
    }

    static ScoreInput.Prompt prompt(Prompt prompt, String field, Bounds bounds) {
        return switch (prompt.getContentCase()) {
            case TEXT -> {
                if (prompt.getText().isEmpty()) {
                    throw new InvalidInputException(field + ".text", "must not be empty");
                }
                InputLimits.checkChars(field + ".text", prompt.getText(), bounds.maxTextChars(),
                        "rlhf.reward.max-text-chars");
                yield new ScoreInput.UserText(prompt.getText());
            }
            case CHAT -> new ScoreInput.Chat(messages(prompt.getChat(), field + ".chat", bounds));
            case CONTENT_NOT_SET -> throw new InvalidInputException(field, "must set text or chat");
        };
    }

    /** The rules of common.proto: roles set, a system turn only first, empty content only for a trailing assistant turn. */
    private static List<ChatMessage> messages(Conversation chat, String field, Bounds bounds) {
        int n = chat.getMessagesCount();
        if (n == 0) {
            throw new InvalidInputException(field + ".messages", "must not be empty");
        }
        InputLimits.checkCount(field + ".messages", n, "messages", bounds.maxChatMessages(),
                "rlhf.reward.max-chat-messages");
        long chars = 0;
        for (rlhf.common.v1.ChatMessage m : chat.getMessagesList()) {
            chars += m.getContent().length();
        }
        InputLimits.checkChars(field + ".messages", chars, bounds.maxTextChars(), "rlhf.reward.max-text-chars");
        List<ChatMessage> messages = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rlhf.common.v1.ChatMessage m = chat.getMessages(i);
            String at = field + ".messages[" + i + "]";
            ChatMessage.Role role = role(m.getRole(), at + ".role");
            if (role == ChatMessage.Role.SYSTEM && i > 0) {
                throw new InvalidInputException(at + ".role", "ROLE_SYSTEM is allowed only in the first message");
            }
            boolean trailingAssistant = i == n - 1 && role == ChatMessage.Role.ASSISTANT;
            if (m.getContent().isEmpty() && !trailingAssistant) {
                throw new InvalidInputException(at + ".content", "must not be empty (only a trailing assistant turn may be)");
            }
            messages.add(new ChatMessage(role, m.getContent()));
        }
        return messages;
    }

    private static ChatMessage.Role role(Role role, String field) {
        return switch (role) {
            case ROLE_SYSTEM -> ChatMessage.Role.SYSTEM;
            case ROLE_USER -> ChatMessage.Role.USER;
            case ROLE_ASSISTANT -> ChatMessage.Role.ASSISTANT;
            default -> throw new InvalidInputException(field, "must be ROLE_SYSTEM, ROLE_USER or ROLE_ASSISTANT, was " + role);
        };
    }

    private static int[] toArray(List<Integer> ids) {
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.get(i);
        }
        return out;
    }
}
