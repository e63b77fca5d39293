package rlhf.gateway.chat;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import rlhf.feedback.v1.AnswerLabel;
import rlhf.feedback.v1.Comparison;
import rlhf.feedback.v1.Judgement;
import rlhf.feedback.v1.RankTier;
import rlhf.gateway.ComparisonTopic;
import rlhf.kafka.KafkaTestResource;
import rlhf.wire.UserSplits;

/** The chat and labeling APIs over the real HTTP port, against a policy on a real gRPC port and the real broker. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PolicyStub.class)
class ChatAndLabelingTest {

    static final String FRONTEND = "test-frontend-key-0000000001";
    static final String LABELER_1 = "test-labeler-key-00000000001";
    static final String LABELER_2 = "test-labeler-key-00000000002";
    static final String LABELER_3 = "test-labeler-key-00000000003";
    static final String ADMIN = "test-admin-key-000000000001";

    @BeforeEach
    void ready() throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (given().get("/q/health/ready").statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
    }

    static Map<String, Object> chat(String conversation, String user, String text, int n) {
        return Map.of("conversationId", conversation, "userId", user, "n", n,
                "messages", List.of(Map.of("role", "user", "content", text)));
    }

    @Test
    void chatAnswersCarryTheModelAndAReference() {
        JsonPath reply = as(FRONTEND).body(chat("conv-a", "user-a", "What is 5 plus 7?", 2)).post("/v1/chat")
                .then().statusCode(200).extract().jsonPath();
        assertThat(reply.getList("answers.text")).containsExactly(PolicyStub.text(0), PolicyStub.text(1));
        assertThat(reply.getList("answers.model.kind")).containsOnly("policy");
        assertThat(reply.getList("answers.model.version", Integer.class)).containsOnly(7);
        assertThat(reply.getList("answers.reference", String.class)).allSatisfy(r -> assertThat(r).startsWith("r1."));
    }

    @Test
    void aStreamedAnswerComesTokenByTokenThenWholeWithItsReference() {
        String body = as(FRONTEND).accept("text/event-stream").body(chat("conv-s", "user-s", "What is 5 plus 7?", 1))
                .post("/v1/chat/stream").then().statusCode(200).extract().asString();
        List<JsonPath> events = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data:")) {
                events.add(JsonPath.from(line.substring(5).trim()));
            }
        }
        List<JsonPath> tokens = events.stream().filter(e -> "token".equals(e.getString("type"))).toList();
        assertThat(tokens).hasSizeGreaterThan(2);
        String streamed = String.join("", tokens.stream().map(e -> e.getString("delta")).toList());
        JsonPath answer = events.stream().filter(e -> "answer".equals(e.getString("type"))).findFirst().orElseThrow();
        assertThat(streamed).isEqualTo(PolicyStub.text(0)).isEqualTo(answer.getString("answer.text"));
        assertThat(answer.getString("answer.reference")).startsWith("r1.");
        assertThat(events.get(events.size() - 1).getString("type")).isEqualTo("done");
    }

    /** The feedback body for the two answers served in {@code reply}. */
    static Map<String, Object> feedback(String conversation, String user, String text, JsonPath reply, String choice) {
        List<Map<String, Object>> answers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            answers.add(Map.of("text", reply.getString("answers[" + i + "].text"),
                    "model", reply.getMap("answers[" + i + "].model"),
                    "reference", reply.getString("answers[" + i + "].reference")));
        }
        return Map.of("conversationId", conversation, "userId", user, "choice", choice, "answers", answers,
                "messages", List.of(Map.of("role", "user", "content", text)), "likert", List.of(5, 7),
                "labels", List.of(List.of("verbose"), List.of()));
    }

    @Test
    void aChatPreferenceIsStoredOnceAsAComparisonAndAChangedChoiceIsAConflict() throws Exception {
        String text = "What is 9 plus 3? Mail me at ann@example.com";
        JsonPath reply = as(FRONTEND).body(chat("conv-f", "user-f", text, 2)).post("/v1/chat").jsonPath();
        String id = as(FRONTEND).body(feedback("conv-f", "user-f", text, reply, "b")).post("/v1/chat/feedback")
                .then().statusCode(202).body("split", equalTo(UserSplits.splitOf("user-f", 0.1, 0.1).name()
                        .substring(6).toLowerCase())).extract().path("comparisonId");
        Comparison c = ComparisonTopic.lastOrNull(id);
        assertThat(c.getSource()).isEqualTo("chat");
        assertThat(c.getRankingList()).containsExactly(tier(1), tier(0));
        assertThat(c.getAnswers(0).getLikert()).isEqualTo(5);
        assertThat(c.getAnswers(0).getLabelsList()).containsExactly(AnswerLabel.ANSWER_LABEL_VERBOSE);
        assertThat(c.getAnswers(1).getModel()).isEqualTo(PolicyStub.MODEL);
        assertThat(c.getSplit()).isEqualTo(UserSplits.splitOf("user-f", 0.1, 0.1));
        assertThat(c.getPrompt().getChat().getMessages(0).getContent()).contains("<EMAIL>")
                .doesNotContain("ann@example.com");

        long before = ComparisonTopic.records();
        as(FRONTEND).body(feedback("conv-f", "user-f", text, reply, "b")).post("/v1/chat/feedback").then()
                .statusCode(200).body("duplicate", equalTo(true));
        as(FRONTEND).body(feedback("conv-f", "user-f", text, reply, "a")).post("/v1/chat/feedback").then()
                .statusCode(409);
        assertThat(ComparisonTopic.records()).isEqualTo(before);
    }

    @Test
    void tieAndBothBadAreOneTierWithTheirJudgement() throws Exception {
        for (String choice : new String[] {"tie", "both_bad"}) {
            String conversation = "conv-" + choice.replace("_", "");
            JsonPath reply = as(FRONTEND).body(chat(conversation, "user-t", "Hi there", 2)).post("/v1/chat").jsonPath();
            String id = as(FRONTEND).body(feedback(conversation, "user-t", "Hi there", reply, choice))
                    .post("/v1/chat/feedback").then().statusCode(202).extract().path("comparisonId");
            Comparison c = ComparisonTopic.lastOrNull(id);
            assertThat(c.getRankingList()).containsExactly(tier(0, 1));
            assertThat(c.getJudgement()).isEqualTo(choice.equals("tie") ? Judgement.JUDGEMENT_TIE
                    : Judgement.JUDGEMENT_ALL_BAD);
        }
    }

    @Test
    void aForgedOrAlteredAnswerReferenceIsRefusedAndNothingIsWritten() {
        String text = "What is 1 plus 1?";
        JsonPath reply = as(FRONTEND).body(chat("conv-x", "user-x", text, 2)).post("/v1/chat").jsonPath();
        long before = ComparisonTopic.records();
        Map<String, Object> altered = new java.util.HashMap<>(feedback("conv-x", "user-x", text, reply, "a"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> answers = new ArrayList<>((List<Map<String, Object>>) altered.get("answers"));
        answers.set(1, Map.of("text", "A better answer I wrote myself.", "model", answers.get(1).get("model"),
                "reference", answers.get(1).get("reference")));
        altered.put("answers", answers);
        as(FRONTEND).body(altered).post("/v1/chat/feedback").then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("answers[1].reference"));

        answers.set(1, Map.of("text", reply.getString("answers[1].text"), "model", Map.of("kind", "policy",
                "version", 8), "reference", reply.getString("answers[1].reference")));
        as(FRONTEND).body(altered).post("/v1/chat/feedback").then().statusCode(400)
                .body("field", equalTo("answers[1].reference"));

        answers.set(1, Map.of("text", reply.getString("answers[1].text"), "model", reply.getMap("answers[1].model"),
                "reference", "r1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        as(FRONTEND).body(altered).post("/v1/chat/feedback").then().statusCode(400)
                .body("field", equalTo("answers[1].reference"), "detail", containsString("does not match"));

        Map<String, Object> otherUser = new java.util.HashMap<>(feedback("conv-x", "user-y", text, reply, "a"));
        as(FRONTEND).body(otherUser).post("/v1/chat/feedback").then().statusCode(400)
                .body("field", equalTo("answers[0].reference"));
        assertThat(ComparisonTopic.records()).isEqualTo(before);
    }

    @Test
    void chatFailuresOfThePolicyAndOfTheCallerAreClearHttpAnswers() {
        as(FRONTEND).body(chat("conv-d", "user-d", "a slow question", 1)).post("/v1/chat").then().statusCode(504)
                .body("title", equalTo("The policy did not answer in time"));
        as(FRONTEND).body(chat("conv-n", "user-n", "no policy yet?", 1)).post("/v1/chat").then().statusCode(503);
        given().contentType(ContentType.JSON).body(chat("conv-k", "user-k", "Hi", 1)).post("/v1/chat").then()
                .statusCode(401);
        as(LABELER_1).body(chat("conv-k", "user-k", "Hi", 1)).post("/v1/chat").then().statusCode(403);
        as(FRONTEND).body(chat("conv-k", "user-k", "Hi", 3)).post("/v1/chat").then().statusCode(400)
                .body("field", equalTo("n"));
        as(FRONTEND).body(Map.of("conversationId", "c", "userId", "u", "messages",
                List.of(Map.of("role", "robot", "content", "Hi")))).post("/v1/chat").then().statusCode(400)
                .body("field", equalTo("messages[0].role"));
        as(FRONTEND).body(Map.of("conversationId", "c", "userId", "u", "messages",
                List.of(Map.of("role", "assistant", "content", "Hi")))).post("/v1/chat").then().statusCode(400)
                .body("field", equalTo("messages[0].role"));
        as(FRONTEND).body("{\"conversationId\": \"c\", \"userId\": \"u\", \"messages\": 5}").post("/v1/chat").then()
                .statusCode(400).body("field", equalTo("messages"));
        as(FRONTEND).body(Map.of("conversationId", "bad id!", "userId", "u", "messages",
                List.of(Map.of("role", "user", "content", "Hi")))).post("/v1/chat").then().statusCode(400)
                .body("field", equalTo("conversationId"));
    }

    @Test
    void labelersRankTasksOfKAnswersWithTiesAndADoublyLabeledTaskGoesToTwoLabelers() throws Exception {
        as(LABELER_1).body(Map.of("prompts", List.of(Map.of("userId", "user-l", "text", "What is 5 plus 7?"))))
                .post("/v1/labeling/prompts").then().statusCode(403);
        as(ADMIN).body(Map.of("prompts", List.of(Map.of("userId", "user-l", "text", "What is 5 plus 7?"))))
                .post("/v1/labeling/prompts").then().statusCode(202).body("queued", equalTo(1));
        JsonPath task = as(LABELER_1).get("/v1/labeling/tasks/next").then().statusCode(200).extract().jsonPath();
        String taskId = task.getString("taskId");
        assertThat(task.getList("answers")).hasSize(5);
        assertThat(task.getBoolean("doubleLabeled")).isTrue(); // the test profile doubles every task
        as(LABELER_1).get("/v1/labeling/tasks/next").then().statusCode(204); // not the same task twice
        JsonPath second = as(LABELER_2).get("/v1/labeling/tasks/next").then().statusCode(200).extract().jsonPath();
        assertThat(second.getString("taskId")).isEqualTo(taskId);

        long before = ComparisonTopic.records();
        as(LABELER_1).body(ranking(task, List.of(List.of(1), List.of(0), List.of(2, 3), List.of(4)), "labeler-2"))
                .post("/v1/labeling/tasks/" + taskId + "/ranking").then().statusCode(403)
                .body("field", equalTo("comparison.labeler_id"));
        assertThat(ComparisonTopic.records()).as("nothing of a refused ranking written").isEqualTo(before);

        String id = as(LABELER_1).body(ranking(task, List.of(List.of(1), List.of(0), List.of(2, 3), List.of(4)), null))
                .post("/v1/labeling/tasks/" + taskId + "/ranking").then().statusCode(202).extract().path("comparisonId");
        assertThat(id).isEqualTo(taskId + ":labeler-1");
        Comparison c = ComparisonTopic.lastOrNull(id);
        assertThat(c.getRankingList()).containsExactly(tier(1), tier(0), tier(2, 3), tier(4));
        assertThat(c.getLabelerId()).isEqualTo("labeler-1");
        assertThat(c.getSource()).isEqualTo("labeling-page");
        assertThat(c.getAnswers(1).getLikert()).isEqualTo(7);
        assertThat(c.getAnswers(2).getLabelsList()).containsExactly(AnswerLabel.ANSWER_LABEL_OVER_REFUSAL);
        assertThat(c.getAnswersList()).allSatisfy(a -> assertThat(a.getModel()).isEqualTo(PolicyStub.MODEL));

        String other = as(LABELER_2).body(ranking(second, List.of(List.of(0, 1), List.of(2), List.of(3, 4)), null))
                .post("/v1/labeling/tasks/" + taskId + "/ranking").then().statusCode(202).extract().path("comparisonId");
        assertThat(other).isEqualTo(taskId + ":labeler-2");
    }

    @Test
    void aTaskCanMixTheAnswersOfNamedVersionsSoLabelersCompareThem() throws Exception {
        as(ADMIN).body(Map.of("prompts", List.of(Map.of("userId", "user-m", "text", "Name 3 colors.")),
                "models", List.of(Map.of("kind", "policy", "version", 9), Map.of("kind", "sft", "version", 1))))
                .post("/v1/labeling/prompts").then().statusCode(202);
        JsonPath task = as(LABELER_3).get("/v1/labeling/tasks/next").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> models = task.getList("answers.model");
        assertThat(models).hasSize(5).containsOnly(Map.of("kind", "policy", "version", 9),
                Map.of("kind", "sft", "version", 1));
        assertThat(models.stream().filter(m -> m.get("kind").equals("policy")).count()).isEqualTo(3); // 5 = 3 + 2
        String id = as(LABELER_3).body(ranking(task, List.of(List.of(0, 1), List.of(2), List.of(3, 4)), null))
                .post("/v1/labeling/tasks/" + task.getString("taskId") + "/ranking").then().statusCode(202)
                .extract().path("comparisonId");
        Comparison c = ComparisonTopic.lastOrNull(id);
        assertThat(c.getAnswersList()).extracting(a -> a.getModel().getVersion())
                .containsExactlyElementsOf(models.stream().map(m -> ((Number) m.get("version")).longValue()).toList());
        // the test profile doubles every task: the second labeler closes it, so no other test meets it
        JsonPath second = as(LABELER_2).get("/v1/labeling/tasks/next").then().statusCode(200).extract().jsonPath();
        assertThat(second.getString("taskId")).isEqualTo(task.getString("taskId"));
        as(LABELER_2).body(ranking(second, List.of(List.of(0), List.of(1, 2, 3, 4)), null))
                .post("/v1/labeling/tasks/" + task.getString("taskId") + "/ranking").then().statusCode(202);

        for (Object bad : List.of(List.of(Map.of("kind", "reward", "version", 1)), List.of(Map.of("kind", "policy",
                "version", 0)), List.of(Map.of("kind", "policy", "version", 2), Map.of("kind", "policy", "version", 2)))) {
            as(ADMIN).body(Map.of("prompts", List.of(Map.of("userId", "user-m", "text", "Hi")), "models", bad))
                    .post("/v1/labeling/prompts").then().statusCode(400).body("field", startsWith("models"));
        }
    }

    static Map<String, Object> ranking(JsonPath task, List<List<Integer>> tiers, String labelerId) {
        List<Map<String, Object>> answers = new ArrayList<>();
        for (int i = 0; i < task.getList("answers").size(); i++) {
            answers.add(Map.of("text", task.getString("answers[" + i + "].text"),
                    "model", task.getMap("answers[" + i + "].model"),
                    "reference", task.getString("answers[" + i + "].reference")));
        }
        Map<String, Object> body = new java.util.HashMap<>(Map.of("userId", task.getString("userId"),
                "prompt", task.getString("prompt"), "answers", answers, "tiers", tiers,
                "likert", List.of(5, 7, 3, 2, 5),
                "labels", List.of(List.of("verbose"), List.of(), List.of("over_refusal"), List.of("fails_task"),
                        List.of("verbose"))));
        if (labelerId != null) {
            body.put("labelerId", labelerId);
        }
        return body;
    }

    static RankTier tier(int... indexes) {
        RankTier.Builder t = RankTier.newBuilder();
        for (int i : indexes) {
            t.addAnswerIndexes(i);
        }
        return t.build();
    }
}
