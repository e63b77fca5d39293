package rlhf.demo.taskworld;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

import rlhf.demo.taskworld.DataRecords.ComparisonRecord;
import rlhf.demo.taskworld.DataRecords.Message;
import rlhf.demo.taskworld.DataRecords.RankedAnswer;

/** Imports the real formats into {@link ComparisonRecord}s: hh-rlhf pairs and InstructGPT-style K-way rankings. */
public final class Importers {

    private static final String HUMAN = "\n\nHuman:";
    private static final String ASSISTANT = "\n\nAssistant:";

    private Importers() {
    }

    /**
     * One hh-rlhf line, {@code {"chosen": "\n\nHuman: …\n\nAssistant: …", "rejected": …}}: the shared conversation
     * up to the last assistant turn is the prompt; the two last assistant turns are the answers, chosen first.
     */
    public static ComparisonRecord hhRlhf(String line, String id) {
        JsonNode node = Jsonl.parse(line, JsonNode.class, id);
        String chosen = text(node, "chosen", id);
        String rejected = text(node, "rejected", id);
        int cut = chosen.lastIndexOf(ASSISTANT);
        if (cut < 0 || rejected.lastIndexOf(ASSISTANT) != cut || !chosen.regionMatches(0, rejected, 0, cut)) {
            throw new IllegalArgumentException(id + ": chosen and rejected must share the conversation up to their last "
                    + "\"\\n\\nAssistant:\" turn");
        }
        List<Message> messages = conversation(chosen.substring(0, cut), id);
        List<RankedAnswer> answers = List.of(
                new RankedAnswer(chosen.substring(cut + ASSISTANT.length()).strip(), null, null),
                new RankedAnswer(rejected.substring(cut + ASSISTANT.length()).strip(), null, null));
        return new ComparisonRecord(id, null, null, null, null, messages, answers, List.of(List.of(0), List.of(1)), null,
                "import:hh-rlhf");
    }

    /**
     * One InstructGPT-style ranking, {@code {"prompt": "…", "completions": ["…", …], "ranks": [1, 2, 2, …]}}: rank 1
     * is best, equal ranks are ties; K = 2..9.
     */
    public static ComparisonRecord instructGptRanking(String line, String id) {
        JsonNode node = Jsonl.parse(line, JsonNode.class, id);
        String prompt = text(node, "prompt", id);
        JsonNode completions = node.get("completions");
        JsonNode ranks = node.get("ranks");
        if (completions == null || !completions.isArray() || completions.size() < 2 || completions.size() > 9) {
            throw new IllegalArgumentException(id + ": completions must be an array of 2..9 strings");
        }
        if (ranks == null || !ranks.isArray() || ranks.size() != completions.size()) {
            throw new IllegalArgumentException(id + ": ranks must be an array with one rank per completion");
        }
        Map<Integer, List<Integer>> tiers = new TreeMap<>();
        List<RankedAnswer> answers = new ArrayList<>();
        for (int i = 0; i < completions.size(); i++) {
            if (!ranks.get(i).canConvertToInt() || ranks.get(i).asInt() < 1) {
                throw new IllegalArgumentException(id + ": ranks[" + i + "] must be an integer >= 1");
            }
            answers.add(new RankedAnswer(completions.get(i).asText(), null, null));
            tiers.computeIfAbsent(ranks.get(i).asInt(), r -> new ArrayList<>()).add(i);
        }
        if (tiers.size() < 2) {
            throw new IllegalArgumentException(id + ": ranks: all completions tied, no preference to learn");
        }
        return new ComparisonRecord(id, null, null, null, prompt, null, answers, List.copyOf(tiers.values()), null,
                "import:instructgpt");
    }

    private static List<Message> conversation(String transcript, String id) {
        List<Message> messages = new ArrayList<>();
        int at = 0;
        while (at < transcript.length()) {
            boolean human = transcript.startsWith(HUMAN, at);
            if (!human && !transcript.startsWith(ASSISTANT, at)) {
                throw new IllegalArgumentException(id + ": expected a \"\\n\\nHuman:\" or \"\\n\\nAssistant:\" turn at " + at);
            }
            int start = at + (human ? HUMAN.length() : ASSISTANT.length());
            int nextHuman = transcript.indexOf(HUMAN, start);
            int nextAssistant = transcript.indexOf(ASSISTANT, start);
            int end = min(nextHuman, nextAssistant, transcript.length());
            messages.add(new Message(human ? "user" : "assistant", transcript.substring(start, end).strip()));
            at = end;
        }
        if (messages.isEmpty() || !messages.get(messages.size() - 1).role().equals("user")) {
            throw new IllegalArgumentException(id + ": the conversation must end with a human turn before the answer");
        }
        return messages;
    }

    private static int min(int a, int b, int fallback) {
        int m = fallback;
        if (a >= 0) {
            m = Math.min(m, a);
        }
        if (b >= 0) {
            m = Math.min(m, b);
        }
        return m;
    }

    private static String text(JsonNode node, String field, String id) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(id + ": " + field + " must be a string");
        }
        return v.asText();
    }
}
