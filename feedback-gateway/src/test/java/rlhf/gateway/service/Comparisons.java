package rlhf.gateway.service;

import rlhf.common.v1.ChatMessage;
import rlhf.common.v1.Conversation;
import rlhf.common.v1.ModelKind;
import rlhf.common.v1.ModelRef;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.Role;
import rlhf.feedback.v1.Answer;
import rlhf.feedback.v1.AnswerLabel;
import rlhf.feedback.v1.Comparison;
import rlhf.feedback.v1.RankTier;

/** Well-formed comparisons to start the tests from. */
public final class Comparisons {

    private Comparisons() {
    }

    /** K = 4 answers ranked A > B = C > D, Likert and a label on one, from a labeler. */
    public static Comparison.Builder valid(String id, String userId) {
        return Comparison.newBuilder().setComparisonId(id).setUserId(userId)
                .setPrompt(Prompt.newBuilder().setText("Name 3 colors."))
                .addAnswers(Answer.newBuilder().setText("red, blue, gold.").setLikert(7)
                        .setModel(ModelRef.newBuilder().setKind(ModelKind.MODEL_KIND_POLICY).setVersion(3)))
                .addAnswers(Answer.newBuilder().setText("red, blue.").setLikert(4))
                .addAnswers(Answer.newBuilder().setText("red and blue").setLikert(4))
                .addAnswers(Answer.newBuilder().setText("I can't help with that.").setLikert(2)
                        .addLabels(AnswerLabel.ANSWER_LABEL_OVER_REFUSAL))
                .addRanking(tier(0)).addRanking(tier(1, 2)).addRanking(tier(3))
                .setLabelerId("labeler-1").setSource("labeling-page");
    }

    /** The same with a two-turn chat prompt. */
    public static Comparison.Builder validChat(String id, String userId) {
        return valid(id, userId).setPrompt(Prompt.newBuilder().setChat(Conversation.newBuilder()
                .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_SYSTEM).setContent("Be brief."))
                .addMessages(ChatMessage.newBuilder().setRole(Role.ROLE_USER).setContent("Name 3 colors."))));
    }

    public static RankTier tier(int... indexes) {
        RankTier.Builder t = RankTier.newBuilder();
        for (int i : indexes) {
            t.addAnswerIndexes(i);
        }
        return t.build();
    }
}
