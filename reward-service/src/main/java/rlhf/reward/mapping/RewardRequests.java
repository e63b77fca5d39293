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
import rlhf.service.InvalidInputException;

/**
 * Requests of {@code rlhf.reward.v1} → {@link ScoringRequest}, checking everything that needs no model; a violation
 * is an {@link InvalidInputException} naming the field by its proto path (e.g.
 * {@code items[3].text.prompt.chat.messages[2].role}). Checks that need the model (vocabulary, length) follow in
 * the service.
 */
public final class RewardRequests {

    private RewardRequests() {
    }

    public static ScoringRequest score(ScoreRequest request) {
        long version = version(request.getRewardVersion());
        if (!request.hasItem()) {
            throw new InvalidInputException("item", "required");
        }
        return new ScoringRequest(List.of(item(request.getItem(), "item")), version);
    }

    /** @param maxItems {@code rlhf.reward.max-items-per-request} */
    public static ScoringRequest scoreBatch(ScoreBatchRequest request, int maxItems) {
        long version = version(request.getRewardVersion());
        int n = request.getItemsCount();
        if (n == 0) {
            throw new InvalidInputException("items", "must hold at least one item");
        }
        if (n > maxItems) {
            throw new InvalidInputException("items", n + " > max " + maxItems + " (rlhf.reward.max-items-per-request)");
        }
        List<ScoreInput> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(item(request.getItems(i), "items[" + i + "]"));
        }
        return new ScoringRequest(items, version);
    }

    /** The two pairs (prompt, answer_a) and (prompt, answer_b), in that order. */
    public static ScoringRequest compare(CompareRequest request) {
        long version = version(request.getRewardVersion());
        if (!request.hasPrompt()) {
            throw new InvalidInputException("prompt", "required");
        }
        ScoreInput.Prompt prompt = prompt(request.getPrompt(), "prompt");
        return new ScoringRequest(List.of(new ScoreInput.Text("answer_a", prompt, request.getAnswerA()),
                new ScoreInput.Text("answer_b", prompt, request.getAnswerB())), version);
    }

    private static long version(long rewardVersion) {
        if (rewardVersion < 0) {
            throw new InvalidInputException("reward_version", "must be >= 1, or 0 for the newest; was " + rewardVersion);
        }
        return rewardVersion;
    }

    static ScoreInput item(PromptAnswer item, String field) {
        return switch (item.getInputCase()) {
            case TEXT -> text(item.getText(), field);
            case TOKENS -> tokens(item.getTokens(), field);
            case INPUT_NOT_SET -> throw new InvalidInputException(field, "must set text or tokens");
        };
    }

    private static ScoreInput text(TextPair pair, String field) {
        if (!pair.hasPrompt()) {
            throw new InvalidInputException(field + ".text.prompt", "required");
        }
        return new ScoreInput.Text(field, prompt(pair.getPrompt(), field + ".text.prompt"), pair.getAnswer());
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

    static ScoreInput.Prompt prompt(Prompt prompt, String field) {
        return switch (prompt.getContentCase()) {
            case TEXT -> {
                if (prompt.getText().isEmpty()) {
                    throw new InvalidInputException(field + ".text", "must not be empty");
                }
                yield new ScoreInput.UserText(prompt.getText());
            }
            case CHAT -> new ScoreInput.Chat(messages(prompt.getChat(), field + ".chat"));
            case CONTENT_NOT_SET -> throw new InvalidInputException(field, "must set text or chat");
        };
    }

    /** The rules of common.proto: roles set, a system turn only first, empty content only for a trailing assistant turn. */
    private static List<ChatMessage> messages(Conversation chat, String field) {
        int n = chat.getMessagesCount();
        if (n == 0) {
            throw new InvalidInputException(field + ".messages", "must not be empty");
        }
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
