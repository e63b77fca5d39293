package rlhf.gateway.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import rlhf.common.v1.ChatMessage;
import rlhf.common.v1.Conversation;
import rlhf.common.v1.ModelKind;
import rlhf.common.v1.ModelRef;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.Role;
import rlhf.feedback.v1.Answer;
import rlhf.feedback.v1.AnswerLabel;
import rlhf.gateway.service.ComparisonRules;
import rlhf.service.InvalidInputException;

/** Between the JSON shapes and the protos: turns, models, labels, and served answers checked against their references. */
final class ServedAnswers {

    private ServedAnswers() {
    }

    /** The conversation of {@code turns}, each field checked and named {@code field[i].role|content}. */
    static Prompt conversation(List<ChatShapes.Turn> turns, String field, ComparisonRules rules) {
        if (turns == null || turns.isEmpty()) {
            throw new InvalidInputException(field, "required: at least one turn, the last the user's");
        }
        Conversation.Builder c = Conversation.newBuilder();
        for (int i = 0; i < turns.size(); i++) {
            ChatShapes.Turn t = turns.get(i);
            if (t == null) {
                throw new InvalidInputException(field + "[" + i + "]", "required: {role, content}");
            }
            c.addMessages(ChatMessage.newBuilder().setRole(role(t.role(), field + "[" + i + "].role"))
                    .setContent(t.content() == null ? "" : t.content()));
        }
        Prompt prompt = Prompt.newBuilder().setChat(c).build();
        rules.checkConversation(prompt, field);
        return prompt;
    }

    /** A single-turn prompt of {@code text}. */
    static Prompt text(String text, String field, ComparisonRules rules) {
        rules.checkText(text == null ? "" : text, field, false);
        return Prompt.newBuilder().setText(text).build();
    }

    private static Role role(String role, String field) {
        if (role == null) {
            throw new InvalidInputException(field, "required: system, user or assistant");
        }
        return switch (role) {
            case "system" -> Role.ROLE_SYSTEM;
            case "user" -> Role.ROLE_USER;
            case "assistant" -> Role.ROLE_ASSISTANT;
            default -> throw new InvalidInputException(field, "'" + role + "' is not system, user or assistant");
        };
    }

    /** An answer as served: its text, model, finish reason and the reference signed for exactly these. */
    static ChatShapes.ServedAnswer served(AnswerReferences references, AnswerReferences.Served what,
            String finishReason) {
        return new ChatShapes.ServedAnswer(what.index(), what.text(), model(what.model()), references.sign(what),
                finishReason.replace("FINISH_REASON_", "").toLowerCase(Locale.ROOT));
    }

    /** The JSON form of a model reference: kind {@code policy}, {@code sft}, … */
    static ChatShapes.Model model(ModelRef ref) {
        return new ChatShapes.Model(ref.getKind().name().substring("MODEL_KIND_".length()).toLowerCase(Locale.ROOT),
                ref.getVersion());
    }

    static ModelRef model(ChatShapes.Model model, String field) {
        if (model == null || model.kind() == null) {
            throw new InvalidInputException(field, "required: {kind, version} as served");
        }
        ModelKind kind;
        try {
            kind = ModelKind.valueOf("MODEL_KIND_" + model.kind().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(field + ".kind", "unknown model kind '" + model.kind() + "'");
        }
        if (model.version() < 0) {
            throw new InvalidInputException(field + ".version", "must be >= 0");
        }
        return ModelRef.newBuilder().setKind(kind).setVersion(model.version()).build();
    }

    /**
     * The answers as the comparison stores them, each checked against its reference (served for {@code conversationId}
     * and {@code userId} to the prompt of {@code promptDigest}), with optional Likert scores and labels.
     */
    static List<Answer> verified(List<ChatShapes.NamedAnswer> named, int expected, String conversationId,
            String userId, String promptDigest, List<Integer> likert, List<List<String>> labels,
            AnswerReferences references) {
        if (named == null || named.size() != expected) {
            throw new InvalidInputException("answers", "required: the " + expected + " answers served, each with its "
                    + "reference; got " + (named == null ? 0 : named.size()));
        }
        if (likert != null && likert.size() != expected) {
            throw new InvalidInputException("likert", likert.size() + " scores for " + expected + " answers");
        }
        if (labels != null && labels.size() != expected) {
            throw new InvalidInputException("labels", labels.size() + " label lists for " + expected + " answers");
        }
        List<Answer> answers = new ArrayList<>();
        for (int i = 0; i < expected; i++) {
            ChatShapes.NamedAnswer a = named.get(i);
            String field = "answers[" + i + "]";
            if (a == null || a.text() == null) {
                throw new InvalidInputException(field + ".text", "required: the text as served");
            }
            ModelRef model = model(a.model(), field + ".model");
            references.verify(a.reference(), new AnswerReferences.Served(conversationId, userId, i, model,
                    promptDigest, a.text()), field + ".reference");
            Answer.Builder answer = Answer.newBuilder().setText(a.text()).setModel(model);
            Integer score = likert == null ? null : likert.get(i);
            if (score != null && score != 0) {
                if (score < 1 || score > 7) {
                    throw new InvalidInputException("likert[" + i + "]", score + " not in 1..7 (0 or null: not rated)");
                }
                answer.setLikert(score);
            }
            List<String> names = labels == null ? null : labels.get(i);
            for (int j = 0; names != null && j < names.size(); j++) {
                answer.addLabels(label(names.get(j), "labels[" + i + "][" + j + "]"));
            }
            answers.add(answer.build());
        }
        return answers;
    }

    private static AnswerLabel label(String name, String field) {
        try {
            AnswerLabel label = AnswerLabel.valueOf("ANSWER_LABEL_" + String.valueOf(name).toUpperCase(Locale.ROOT));
            if (label != AnswerLabel.ANSWER_LABEL_UNSPECIFIED) {
                return label;
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw new InvalidInputException(field, "unknown label '" + name + "'");
    }
}
