package rlhf.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;

import rlhf.common.v1.ChatMessage;
import rlhf.common.v1.Conversation;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.Role;
import rlhf.demo.taskworld.DataRecords.ComparisonRecord;
import rlhf.demo.taskworld.DataRecords.Message;
import rlhf.demo.taskworld.DataRecords.RankedAnswer;
import rlhf.feedback.v1.Answer;
import rlhf.feedback.v1.AnswerLabel;
import rlhf.feedback.v1.Comparison;
import rlhf.feedback.v1.RankTier;

/**
 * Imports comparisons through the feedback gateway's public API ({@code POST /v1/comparisons/batch}), as any client
 * would: in batches, retrying the items the gateway asks to retry (429 rate limit, 503 not acknowledged) with the same
 * comparison ids, so a retried import stores each comparison once.
 */
final class GatewayImport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 500;
    private static final int ATTEMPTS = 20;

    /** What an import did: stored now, already stored, refused for good. */
    record Tally(int accepted, int duplicates, int rejected) {
    }

    private final URI batchUri;
    private final String apiKey;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    GatewayImport(String gateway, String apiKey, PrintStream out) {
        this.batchUri = URI.create(gateway.replaceAll("/+$", "") + "/v1/comparisons/batch");
        this.apiKey = apiKey;
        this.out = out;
    }

    /** A task-world record as the contract's comparison; a record without a user stands for a user of its own. */
    static Comparison comparison(ComparisonRecord r) {
        Comparison.Builder c = Comparison.newBuilder().setComparisonId(r.id())
                .setUserId(r.userId() != null ? r.userId() : r.id())
                .setLabelerId(r.labelerId() == null ? "" : r.labelerId()).setSource(r.source() == null ? "" : r.source());
        if (r.messages() != null) {
            Conversation.Builder chat = Conversation.newBuilder();
            for (Message m : r.messages()) {
                chat.addMessages(ChatMessage.newBuilder().setContent(m.content())
                        .setRole(Role.valueOf("ROLE_" + m.role().toUpperCase(Locale.ROOT))));
            }
            c.setPrompt(Prompt.newBuilder().setChat(chat));
        } else if (r.prompt() != null) {
            c.setPrompt(Prompt.newBuilder().setText(r.prompt()));
        }
        for (RankedAnswer a : r.answers()) {
            Answer.Builder answer = Answer.newBuilder().setText(a.text()).setLikert(a.likert() == null ? 0 : a.likert());
            if (a.labels() != null) {
                a.labels().forEach(l -> answer.addLabels(AnswerLabel.valueOf("ANSWER_LABEL_"
                        + l.toUpperCase(Locale.ROOT))));
            }
            c.addAnswers(answer);
        }
        r.ranking().forEach(tier -> c.addRanking(RankTier.newBuilder().addAllAnswerIndexes(tier)));
        return c.build();
    }

    /** Sends every comparison; returns the tally once nothing is left to retry. */
    Tally send(List<Comparison> comparisons) throws IOException, InterruptedException {
        int accepted = 0;
        int duplicates = 0;
        int rejected = 0;
        for (int from = 0; from < comparisons.size(); from += BATCH) {
            List<Comparison> pending = comparisons.subList(from, Math.min(comparisons.size(), from + BATCH));
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                JsonNode result = post(pending);
                List<Comparison> retry = new ArrayList<>();
                long waitSeconds = 1;
                for (JsonNode item : result.get("items")) {
                    int status = item.get("status").asInt();
                    Comparison c = pending.get(item.get("index").asInt());
                    switch (status) {
                        case 202 -> accepted++;
                        case 200 -> duplicates++;
                        case 429, 503 -> retry.add(c);
                        default -> {
                            rejected++;
                            out.println("  refused " + c.getComparisonId() + ": " + item.get("problem").get("detail")
                                    .asText());
                        }
                    }
                }
                if (!retry.isEmpty() && attempt >= ATTEMPTS) {
                    throw new IOException(retry.size() + " comparisons still not stored after " + ATTEMPTS
                            + " attempts; run the import again (ids make it safe)");
                }
                if (!retry.isEmpty()) {
                    Thread.sleep(waitSeconds * 1000);
                }
                pending = retry;
            }
            out.printf("  %d/%d sent: %d stored, %d already stored, %d refused%n",
                    Math.min(comparisons.size(), from + BATCH), comparisons.size(), accepted, duplicates, rejected);
        }
        return new Tally(accepted, duplicates, rejected);
    }

    private JsonNode post(List<Comparison> batch) throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder("{\"comparisons\": [");
        for (int i = 0; i < batch.size(); i++) {
            body.append(i == 0 ? "" : ",").append(print(batch.get(i)));
        }
        body.append("]}");
        HttpRequest request = HttpRequest.newBuilder(batchUri).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            String detail = response.body();
            try {
                detail = JSON.readTree(response.body()).path("detail").asText(detail);
            } catch (IOException notJson) {
                // keep the raw body
            }
            throw new IOException("the gateway answered " + response.statusCode() + ": " + detail);
        }
        return JSON.readTree(response.body());
    }

    private static String print(Comparison c) {
        try {
            return JsonFormat.printer().omittingInsignificantWhitespace().print(c);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a comparison that cannot be printed as JSON", e);
        }
    }
}
