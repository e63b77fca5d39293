package rlhf.gateway.service;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import com.google.protobuf.Timestamp;
import rlhf.common.v1.ChatMessage;
import rlhf.common.v1.Conversation;
import rlhf.common.v1.ModelRef;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.Role;
import rlhf.feedback.v1.Answer;
import rlhf.feedback.v1.Comparison;
import rlhf.feedback.v1.RankTier;
import rlhf.feedback.v1.Split;

/**
 * A corpus of malformed and hostile comparisons, each with the field the gateway must name when it refuses it; shared by
 * the rule test and by the tests over real REST and gRPC ports.
 */
public final class HostileComparisons {

    /** One refused comparison and the field path its refusal must name (a prefix of it is enough for a whole field). */
    public record Case(String name, Comparison comparison, String field) {
    }

    private HostileComparisons() {
    }

    /** @param maxTextChars the gateway's configured limit, to go one past it */
    public static List<Case> all(int maxTextChars) {
        List<Case> cases = new ArrayList<>();
        String big = "x".repeat(maxTextChars + 1);
        // ids
        add(cases, "no id", b -> b.clearComparisonId(), "comparison.comparison_id");
        for (String bad : List.of(" ", "a b", "id/1", "id?x", "ü", "<script>", "x".repeat(129), "a\nb", "a\u0000b",
                "../../etc/passwd", "id;drop", "%41", "a,b", "{}", "\"q\"")) {
            add(cases, "id " + bad, b -> b.setComparisonId(bad), "comparison.comparison_id");
            add(cases, "user " + bad, b -> b.setUserId(bad), "comparison.user_id");
            add(cases, "labeler " + bad, b -> b.setLabelerId(bad), "comparison.labeler_id");
        }
        add(cases, "no user", b -> b.clearUserId(), "comparison.user_id");
        add(cases, "source with space", b -> b.setSource("labeling page"), "comparison.source");
        add(cases, "split set by client", b -> b.setSplit(Split.SPLIT_TEST), "comparison.split");
        add(cases, "split unknown value", b -> b.setSplitValue(42), "comparison.split");
        add(cases, "over-cap flag set by client", b -> b.setOverPromptCap(true), "comparison.over_prompt_cap");
        // prompt
        add(cases, "no prompt", b -> b.clearPrompt(), "comparison.prompt");
        add(cases, "empty prompt message", b -> b.setPrompt(Prompt.getDefaultInstance()), "comparison.prompt");
        add(cases, "empty text", b -> b.setPrompt(Prompt.newBuilder().setText("")), "comparison.prompt.text");
        add(cases, "text too long", b -> b.setPrompt(Prompt.newBuilder().setText(big)), "comparison.prompt.text");
        add(cases, "NUL in text", b -> b.setPrompt(Prompt.newBuilder().setText("a\u0000b")), "comparison.prompt.text");
        add(cases, "lone surrogate", b -> b.setPrompt(Prompt.newBuilder().setText("a\uD800b")),
                "comparison.prompt.text");
        add(cases, "empty chat", b -> b.setPrompt(Prompt.newBuilder().setChat(Conversation.getDefaultInstance())),
                "comparison.prompt.chat.messages");
        add(cases, "chat without role", b -> b.setPrompt(chat(turn(Role.ROLE_UNSPECIFIED, "hi"))),
                "comparison.prompt.chat.messages[0].role");
        add(cases, "chat unknown role", b -> b.setPrompt(chat(ChatMessage.newBuilder().setRoleValue(9)
                .setContent("hi").build())), "comparison.prompt.chat.messages[0].role");
        add(cases, "system not first", b -> b.setPrompt(chat(turn(Role.ROLE_USER, "hi"), turn(Role.ROLE_SYSTEM, "x"),
                turn(Role.ROLE_USER, "hi"))), "comparison.prompt.chat.messages[1].role");
        add(cases, "chat ends with assistant", b -> b.setPrompt(chat(turn(Role.ROLE_USER, "hi"),
                turn(Role.ROLE_ASSISTANT, "hello"))), "comparison.prompt.chat.messages[1].role");
        add(cases, "empty turn", b -> b.setPrompt(chat(turn(Role.ROLE_USER, ""))),
                "comparison.prompt.chat.messages[0].content");
        add(cases, "turn too long", b -> b.setPrompt(chat(turn(Role.ROLE_USER, big))),
                "comparison.prompt.chat.messages[0].content");
        ChatMessage[] many = new ChatMessage[65];
        for (int i = 0; i < many.length; i++) {
            many[i] = turn(Role.ROLE_USER, "turn " + i);
        }
        add(cases, "65 turns", b -> b.setPrompt(chat(many)), "comparison.prompt.chat.messages");
        // answers
        add(cases, "no answers", b -> b.clearAnswers().clearRanking(), "comparison.answers");
        add(cases, "one answer", b -> b.clearAnswers().addAnswers(answer("a")).clearRanking()
                .addRanking(Comparisons.tier(0)), "comparison.answers");
        add(cases, "ten answers", b -> {
            b.clearAnswers().clearRanking();
            for (int i = 0; i < 10; i++) {
                b.addAnswers(answer("answer " + i)).addRanking(Comparisons.tier(i));
            }
            return b;
        }, "comparison.answers");
        add(cases, "answer too long", b -> b.setAnswers(1, answer(big)), "comparison.answers[1].text");
        add(cases, "answer NUL", b -> b.setAnswers(2, answer("a\u0000")), "comparison.answers[2].text");
        for (int likert : new int[] {-1, 8, 100, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            add(cases, "likert " + likert, b -> b.setAnswers(0, b.getAnswers(0).toBuilder().setLikert(likert).build()),
                    "comparison.answers[0].likert");
        }
        add(cases, "label unspecified", b -> b.setAnswers(3, b.getAnswers(3).toBuilder().addLabelsValue(0).build()),
                "comparison.answers[3].labels[1]");
        add(cases, "label unknown", b -> b.setAnswers(1, b.getAnswers(1).toBuilder().addLabelsValue(99).build()),
                "comparison.answers[1].labels[0]");
        add(cases, "17 labels", b -> {
            Answer.Builder a = b.getAnswers(0).toBuilder();
            for (int i = 0; i < 17; i++) {
                a.addLabelsValue(1);
            }
            return b.setAnswers(0, a.build());
        }, "comparison.answers[0].labels");
        add(cases, "negative model version", b -> b.setAnswers(0, b.getAnswers(0).toBuilder()
                .setModel(ModelRef.newBuilder().setVersion(-1)).build()), "comparison.answers[0].model.version");
        // ranking
        add(cases, "no ranking", b -> b.clearRanking(), "comparison.ranking");
        add(cases, "one tier: all tied", b -> b.clearRanking().addRanking(Comparisons.tier(0, 1, 2, 3)),
                "comparison.ranking");
        add(cases, "empty tier", b -> b.addRanking(RankTier.getDefaultInstance()), "comparison.ranking[3]");
        add(cases, "index out of range", b -> b.setRanking(2, Comparisons.tier(4)), "comparison.ranking[2]");
        add(cases, "negative index", b -> b.setRanking(2, Comparisons.tier(-1)), "comparison.ranking[2]");
        add(cases, "index twice in a tier", b -> b.setRanking(1, Comparisons.tier(1, 1)), "comparison.ranking[1]");
        add(cases, "index in two tiers", b -> b.setRanking(2, Comparisons.tier(3, 0)), "comparison.ranking[2]");
        add(cases, "answer in no tier", b -> b.setRanking(1, Comparisons.tier(1)), "comparison.ranking");
        add(cases, "huge index", b -> b.setRanking(0, Comparisons.tier(Integer.MAX_VALUE)), "comparison.ranking[0]");
        // timestamps
        add(cases, "created before year 1", b -> b.setCreatedAt(Timestamp.newBuilder().setSeconds(-62_135_596_801L)),
                "comparison.created_at");
        add(cases, "created after 9999", b -> b.setCreatedAt(Timestamp.newBuilder().setSeconds(253_402_300_800L)),
                "comparison.created_at");
        add(cases, "negative nanos", b -> b.setCreatedAt(Timestamp.newBuilder().setSeconds(1).setNanos(-1)),
                "comparison.created_at");
        add(cases, "nanos too large", b -> b.setCreatedAt(Timestamp.newBuilder().setNanos(1_000_000_000)),
                "comparison.created_at");
        return cases;
    }

    private static void add(List<Case> cases, String name, UnaryOperator<Comparison.Builder> breakIt, String field) {
        int n = cases.size();
        cases.add(new Case(name, breakIt.apply(Comparisons.valid("hostile-" + n, "user-" + n)).build(), field));
    }

    private static ChatMessage turn(Role role, String content) {
        return ChatMessage.newBuilder().setRole(role).setContent(content).build();
    }

    private static Prompt chat(ChatMessage... turns) {
        return Prompt.newBuilder().setChat(Conversation.newBuilder().addAllMessages(List.of(turns))).build();
    }

    private static Answer answer(String text) {
        return Answer.newBuilder().setText(text).build();
    }
}
