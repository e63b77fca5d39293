package rlhf.gateway.service;

import java.util.regex.Pattern;

import com.google.protobuf.Timestamp;
import rlhf.common.v1.ChatMessage;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.Role;
import rlhf.feedback.v1.Answer;
import rlhf.feedback.v1.AnswerLabel;
import rlhf.feedback.v1.Comparison;
import rlhf.feedback.v1.RankTier;
import rlhf.feedback.v1.Split;
import rlhf.service.InputLimits;
import rlhf.service.InvalidInputException;

/**
 * The contract's rules for a submitted {@link Comparison}, every field checked: the first violation is an
 * {@link InvalidInputException} naming the field's path ({@code comparison.ranking[1].answer_indexes[0]}), and nothing of
 * the comparison is written.
 *
 * @param maxTextChars longest prompt turn or answer, in characters
 * @param maxAnswers   the largest K
 */
public record ComparisonRules(int maxTextChars, int maxAnswers) {

    /** Ids: the Kafka key and the idempotency key; user, labeler and source names likewise. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final int MAX_TURNS = 64;
    private static final int MAX_LABELS = 16;
    private static final String ROOT = "comparison";

    public ComparisonRules {
        if (maxTextChars < 1 || maxAnswers < 2) {
            throw new IllegalArgumentException("maxTextChars must be >= 1 and maxAnswers >= 2");
        }
    }

    /** Checks every rule; returns normally only for a comparison the gateway may store. */
    public void check(Comparison c) {
        id(c.getComparisonId(), ROOT + ".comparison_id", true);
        id(c.getUserId(), ROOT + ".user_id", true);
        id(c.getLabelerId(), ROOT + ".labeler_id", false);
        id(c.getSource(), ROOT + ".source", false);
        if (c.getSplit() != Split.SPLIT_UNSPECIFIED) {
            throw new InvalidInputException(ROOT + ".split", "set by the gateway from user_id; leave it unspecified");
        }
        if (c.getOverPromptCap()) {
            throw new InvalidInputException(ROOT + ".over_prompt_cap", "set by the gateway; leave it false");
        }
        if (!c.hasPrompt()) {
            throw new InvalidInputException(ROOT + ".prompt", "required (set text or chat)");
        }
        checkPrompt(c.getPrompt(), ROOT + ".prompt");
        answers(c);
        ranking(c);
        if (c.hasCreatedAt()) {
            timestamp(c.getCreatedAt());
        }
    }

    /** A required id (user, comparison) outside a comparison, e.g. in a URL path. */
    public static void checkId(String value, String field) {
        id(value == null ? "" : value, field, true);
    }

    private static void id(String value, String field, boolean required) {
        if (value.isEmpty()) {
            if (required) {
                throw new InvalidInputException(field, "required");
            }
            return;
        }
        if (!ID.matcher(value).matches()) {
            throw new InvalidInputException(field, "must be 1..128 characters of [A-Za-z0-9._:-]");
        }
    }

    /** The rules of a prompt (text or chat, the last turn the user's), its fields named under {@code field}. */
    public void checkPrompt(Prompt p, String field) {
        switch (p.getContentCase()) {
            case TEXT -> text(p.getText(), field + ".text", false);
            case CHAT -> chat(p, field + ".chat.messages");
            case CONTENT_NOT_SET -> throw new InvalidInputException(field, "required (set text or chat)");
        }
    }

    /** The rules of one text: non-empty unless allowed, at most the longest, valid UTF-16 without NUL. */
    public void checkText(String value, String field, boolean mayBeEmpty) {
        text(value, field, mayBeEmpty);
    }

    /** The rules of a conversation (its turns named {@code field[i]}): 1..64 turns, system first, the user's last. */
    public void checkConversation(Prompt p, String field) {
        chat(p, field);
    }

    private void chat(Prompt p, String field) {
        int turns = p.getChat().getMessagesCount();
        if (turns == 0) {
            throw new InvalidInputException(field, "empty");
        }
        if (turns > MAX_TURNS) {
            throw new InvalidInputException(field, turns + " turns > max " + MAX_TURNS);
        }
        for (int i = 0; i < turns; i++) {
            ChatMessage m = p.getChat().getMessages(i);
            String turn = field + "[" + i + "]";
            if (m.getRole() == Role.ROLE_UNSPECIFIED || m.getRole() == Role.UNRECOGNIZED) {
                throw new InvalidInputException(turn + ".role", "required (ROLE_SYSTEM, ROLE_USER or ROLE_ASSISTANT)");
            }
            if (m.getRole() == Role.ROLE_SYSTEM && i > 0) {
                throw new InvalidInputException(turn + ".role", "ROLE_SYSTEM is allowed only as the first message");
            }
            text(m.getContent(), turn + ".content", false);
        }
        Role last = p.getChat().getMessages(turns - 1).getRole();
        if (last != Role.ROLE_USER) {
            throw new InvalidInputException(field + "[" + (turns - 1) + "].role",
                    "the last turn is the one the answers reply to: ROLE_USER");
        }
    }

    private void answers(Comparison c) {
        String field = ROOT + ".answers";
        int k = c.getAnswersCount();
        if (k < 2 || k > maxAnswers) {
            throw new InvalidInputException(field, "K = " + k + " answers; must be 2.." + maxAnswers);
        }
        for (int i = 0; i < k; i++) {
            Answer a = c.getAnswers(i);
            String answer = field + "[" + i + "]";
            text(a.getText(), answer + ".text", true);
            if (a.getLikert() != 0 && (a.getLikert() < 1 || a.getLikert() > 7)) {
                throw new InvalidInputException(answer + ".likert", a.getLikert() + " not in 1..7 (0: not rated)");
            }
            if (a.getLabelsCount() > MAX_LABELS) {
                throw new InvalidInputException(answer + ".labels", a.getLabelsCount() + " labels > max " + MAX_LABELS);
            }
            for (int j = 0; j < a.getLabelsCount(); j++) {
                AnswerLabel label = a.getLabels(j);
                if (label == AnswerLabel.ANSWER_LABEL_UNSPECIFIED || label == AnswerLabel.UNRECOGNIZED) {
                    throw new InvalidInputException(answer + ".labels[" + j + "]", "unknown label " + a.getLabelsValue(j));
                }
            }
            if (a.hasModel() && a.getModel().getVersion() < 0) {
                throw new InvalidInputException(answer + ".model.version", "must be >= 0");
            }
        }
    }

    /**
     * Every answer index exactly once: in at least two non-empty tiers for a ranking, in exactly one tier for a tie or
     * an "all bad".
     */
    private static void ranking(Comparison c) {
        String field = ROOT + ".ranking";
        int k = c.getAnswersCount();
        switch (c.getJudgement()) {
            case JUDGEMENT_RANKED -> {
                if (c.getRankingCount() < 2) {
                    throw new InvalidInputException(field, c.getRankingCount() + " tiers; at least 2 for a ranking "
                            + "(all answers in one tier: set judgement JUDGEMENT_TIE or JUDGEMENT_ALL_BAD)");
                }
            }
            case JUDGEMENT_TIE, JUDGEMENT_ALL_BAD -> {
                if (c.getRankingCount() != 1) {
                    throw new InvalidInputException(field, c.getRankingCount() + " tiers; a " + c.getJudgement()
                            + " has exactly one tier holding every answer");
                }
            }
            default -> throw new InvalidInputException(ROOT + ".judgement", "unknown judgement " + c.getJudgementValue());
        }
        boolean[] seen = new boolean[k];
        int placed = 0;
        for (int t = 0; t < c.getRankingCount(); t++) {
            RankTier tier = c.getRanking(t);
            String tierField = field + "[" + t + "].answer_indexes";
            if (tier.getAnswerIndexesCount() == 0) {
                throw new InvalidInputException(tierField, "empty tier");
            }
            for (int j = 0; j < tier.getAnswerIndexesCount(); j++) {
                int index = tier.getAnswerIndexes(j);
                if (index < 0 || index >= k) {
                    throw new InvalidInputException(tierField + "[" + j + "]", index + " is not an answer index (0.."
                            + (k - 1) + ")");
                }
                if (seen[index]) {
                    throw new InvalidInputException(tierField + "[" + j + "]", "answer " + index + " is ranked twice");
                }
                seen[index] = true;
                placed++;
            }
        }
        if (placed != k) {
            for (int i = 0; i < k; i++) {
                if (!seen[i]) {
                    throw new InvalidInputException(field, "answer " + i + " is in no tier");
                }
            }
        }
    }

    private void text(String value, String field, boolean mayBeEmpty) {
        if (value.isEmpty() && !mayBeEmpty) {
            throw new InvalidInputException(field, "empty");
        }
        InputLimits.checkChars(field, value, maxTextChars, "rlhf.gateway.max-text-chars");
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (Character.isSurrogate(ch) && !(Character.isHighSurrogate(ch) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(++i)))) {
                throw new InvalidInputException(field, "not valid UTF-8 text (a lone surrogate at " + i + ")");
            }
            if (ch == 0) {
                throw new InvalidInputException(field, "contains a NUL character");
            }
        }
    }

    private static void timestamp(Timestamp t) {
        // 0001-01-01 .. 9999-12-31, nanos 0..999,999,999: protobuf's own Timestamp range
        if (t.getSeconds() < -62_135_596_800L || t.getSeconds() > 253_402_300_799L || t.getNanos() < 0
                || t.getNanos() > 999_999_999) {
            throw new InvalidInputException(ROOT + ".created_at", "outside 0001-01-01..9999-12-31");
        }
    }
}
