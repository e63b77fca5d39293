package rlhf.demo.pipeline;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import rlhf.demo.LocalStack;
import rlhf.demo.taskworld.ChatUsers;
import rlhf.demo.taskworld.DataRecords.PromptRecord;
import rlhf.demo.taskworld.Jsonl;
import rlhf.demo.taskworld.Labeler;
import rlhf.demo.taskworld.Rubric;
import rlhf.demo.taskworld.TaskParser;
import rlhf.demo.taskworld.TaskWorldData;
import rlhf.model.store.CheckpointStore;
import rlhf.trainer.v1.Job;
import rlhf.trainer.v1.JobKind;
import rlhf.wire.ModelStoreLayout;

/**
 * The task world's "Online feedback" weeks (TASKWORLD.md): each week fresh prompts arrive from fresh and returning
 * chat users, who talk to the deployed policy only through the gateway's chat API and prefer one of two answers by the
 * rubric (equal Likert: a tie), flipping the preference with probability 0.1; the labelers rank K answers of the
 * current policy through the gateway's labeling API; then the trainer runs the week's {@code ONLINE_ITERATION}. After
 * each week the outside judge compares the policy now served with the one it replaced on fresh held-out prompts at
 * temperature 1.
 */
public final class OnlineWeeks {

    /**
     * Sizes of the weeks.
     *
     * @param weeks          simulated weeks (0: none)
     * @param chats          chat requests with two answers per week, each followed by the user's preference
     * @param labeling       prompts queued for the labelers per week
     * @param ppoIterations  PPO iterations of each week's online iteration
     * @param judgePrompts   held-out prompts (never trained on, drawn with a seed training never used) of the outside
     *                       judge after each week
     * @param preferenceFlip the chat users' probability of flipping their preference
     */
    public record Settings(int weeks, int chats, int labeling, int ppoIterations, int judgePrompts, double preferenceFlip,
            long seed) {
        public static final Settings DEFAULT = new Settings(2, 150, 40, 10, 1000, 0.1, 1);

        public Settings withWeeks(int weeks) {
            return new Settings(weeks, chats, labeling, ppoIterations, judgePrompts, preferenceFlip, seed);
        }
    }

    /** What one week did: the judge's verdict on the served policy against the one before it. */
    public record Week(int number, String servedBefore, String servedAfter, boolean policyPromoted,
            boolean rewardPromoted, long comparisons, Evaluation.WinRate judged, Map<String, Double> metrics) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalStack stack;
    private final Settings settings;
    private final Consumer<String> out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String gateway;
    private final ChatUsers users;
    private final Random random;
    private final TaskWorldData world;
    /** The version served before the current one (SFT before the first policy): the labelers compare the two. */
    private String previousServed;

    public OnlineWeeks(LocalStack stack, Settings settings, Consumer<String> out) {
        this.stack = stack;
        this.settings = settings;
        this.out = out;
        this.gateway = "http://localhost:" + stack.portOf("feedback-gateway").orElseThrow();
        // one population for every week: users who still have prompts left come back the next week
        this.users = new ChatUsers("chat-user", settings.seed() + 500);
        this.random = new Random(settings.seed() + 501);
        this.world = new TaskWorldData(settings.seed());
    }

    public List<Week> run(TrainerClient trainer) throws InterruptedException {
        List<Week> weeks = new ArrayList<>();
        for (int w = 1; w <= settings.weeks(); w++) {
            weeks.add(week(w, trainer));
        }
        return weeks;
    }

    private Week week(int number, TrainerClient trainer) throws InterruptedException {
        long started = System.nanoTime();
        CheckpointStore store = new CheckpointStore(stack.modelStore());
        String before = store.latest(ModelStoreLayout.POLICY).orElseThrow().id();
        if (previousServed == null) {
            previousServed = store.latest(ModelStoreLayout.SFT).orElseThrow().id();
        }
        // chat users type their questions (the few-shot prompts of the task world are an API user's, not a chat's)
        List<PromptRecord> prompts = world.prompts("online-week-" + number, 2 * (settings.chats() + settings.labeling()),
                settings.seed() + 600 + number, users).stream().filter(p -> !p.kind().equals("few_shot"))
                .limit(settings.chats() + settings.labeling()).toList();
        List<PromptRecord> chat = prompts.subList(0, Math.min(settings.chats(), prompts.size()));
        List<PromptRecord> labeling = prompts.subList(chat.size(), prompts.size());
        out.accept(String.format(Locale.ROOT, "week %d: %d chat users' prompts through %s/v1/chat (two answers each, "
                + "then a preference), %d prompts for the labelers (answers of %s and %s); serving %s", number,
                chat.size(), gateway, labeling.size(), before, previousServed, before));
        int[] preferences = chats(number, chat);
        int ranked = label(labeling, List.of(before, previousServed));
        previousServed = before;
        out.accept(String.format(Locale.ROOT, "week %d: gateway accepted %d chat preferences (%d ties) and %d "
                + "labeler rankings (%.1f min)", number, preferences[0], preferences[1], ranked, minutes(started)));
        long iteration = System.nanoTime();

        // the week's challenger continues from the champion on the new comparisons, 4 times as many replayed old
        // train comparisons and every human one, 2 epochs: a few hundred comparisons instead of retraining on all
        // 1.4k from SFT (hh-rlhf's way, the job's default), so that two weeks fit the main job's budget
        Job job = trainer.run(JobKind.JOB_KIND_ONLINE_ITERATION, Map.of("ppo-iterations",
                Integer.toString(settings.ppoIterations()), "ppo-seed", Long.toString(settings.seed() + number),
                "rm-init", "champion", "rm-replay", "4", "rm-epochs", "2"),
                Duration.ofHours(1), line -> out.accept("  " + line));
        Map<String, Double> m = job.getPublished(0).getMetricsMap();
        String after = "policy/v" + job.getPublished(0).getVersion();
        summary(number).forEach(line -> out.accept("  " + line));
        boolean policyPromoted = m.getOrDefault("online.policy.promoted", 0.0) > 0;
        boolean rewardPromoted = m.getOrDefault("online.rm.promoted", 0.0) > 0;
        out.accept(String.format(Locale.ROOT, "week %d: %s ingested (%s new); reward model %s; policy %s -> serving %s",
                number, count(m, "online.snapshot.comparisons"), count(m, "online.snapshot.new"),
                rewardPromoted ? "promoted" : "kept (gate refused the challenger)",
                policyPromoted ? "promoted" : "kept (gate refused the candidate)", after));
        out.accept(String.format(Locale.ROOT, "week %d: online iteration took %.1f min", number, minutes(iteration)));
        Evaluation.WinRate judged = judge(store, before, after);
        out.accept(String.format(Locale.ROOT, "week %d: outside judge, %s over %s on %d fresh held-out prompts at "
                + "temperature 1: win rate %s (week: %.1f min)", number, after, before, settings.judgePrompts(), judged,
                minutes(started)));
        return new Week(number, before, after, policyPromoted, rewardPromoted,
                m.getOrDefault("online.snapshot.new", 0.0).longValue(), judged, m);
    }

    private static double minutes(long since) {
        return (System.nanoTime() - since) / 60e9;
    }

    private static String count(Map<String, Double> m, String key) {
        return String.format(Locale.ROOT, "%.0f", m.getOrDefault(key, Double.NaN));
    }

    /** The week's gate lines from its summary beside the snapshot. */
    private List<String> summary(int number) {
        Path file = stack.dataDir().resolve(String.format(Locale.ROOT, "snapshots/week-%03d/iteration.json", number));
        List<String> lines = new ArrayList<>();
        try {
            for (JsonNode l : JSON.readTree(file.toFile()).get("report")) {
                String line = l.asText();
                if (line.contains("gate") || line.contains("newest week")) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            lines.add("(no summary at " + file + ": " + e.getMessage() + ")");
        }
        return lines;
    }

    /** Two answers per prompt through the chat API, then the user's preference; returns {accepted, ties}. */
    private int[] chats(int week, List<PromptRecord> prompts) throws InterruptedException {
        int accepted = 0;
        int ties = 0;
        for (int i = 0; i < prompts.size(); i++) {
            PromptRecord p = prompts.get(i);
            String conversation = String.format(Locale.ROOT, "week-%d-chat-%05d", week, i);
            List<Map<String, String>> messages = List.of(Map.of("role", "user", "content", p.prompt()));
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("conversationId", conversation);
            request.put("userId", p.userId());
            request.put("messages", messages);
            request.put("n", 2);
            request.put("seed", random.nextLong() & Long.MAX_VALUE);
            JsonNode reply = post("/v1/chat", request, stack.gatewayApiKey());
            if (reply == null) {
                continue;
            }
            JsonNode answers = reply.get("answers");
            int a = Rubric.judge(p.prompt(), answers.get(0).get("text").asText()).likert();
            int b = Rubric.judge(p.prompt(), answers.get(1).get("text").asText()).likert();
            String choice = a > b ? "a" : b > a ? "b" : "tie";
            if (!choice.equals("tie") && random.nextDouble() < settings.preferenceFlip()) {
                choice = choice.equals("a") ? "b" : "a";
            }
            List<Map<String, Object>> named = new ArrayList<>();
            for (JsonNode answer : answers) {
                named.add(Map.of("text", answer.get("text").asText(), "model",
                        JSON.convertValue(answer.get("model"), Map.class), "reference",
                        answer.get("reference").asText()));
            }
            Map<String, Object> feedback = new LinkedHashMap<>();
            feedback.put("conversationId", conversation);
            feedback.put("userId", p.userId());
            feedback.put("messages", messages);
            feedback.put("answers", named);
            feedback.put("choice", choice);
            feedback.put("likert", List.of(a, b));
            if (post("/v1/chat/feedback", feedback, stack.gatewayApiKey()) != null) {
                accepted++;
                ties += choice.equals("tie") ? 1 : 0;
            }
        }
        return new int[] {accepted, ties};
    }

    /**
     * Queues the prompts, each task mixing answers of {@code models} (the served policy and the one before it, so the
     * labelers' rankings rate the versions); each simulated labeler takes tasks until none is left and ranks the K
     * answers by the rubric with its noise.
     */
    private int label(List<PromptRecord> prompts, List<String> models) throws InterruptedException {
        List<Map<String, String>> queued = prompts.stream()
                .map(p -> Map.of("userId", p.userId(), "text", p.prompt())).toList();
        List<Map<String, Object>> versions = models.stream().distinct().map(id -> Map.<String, Object>of("kind",
                id.substring(0, id.indexOf('/')), "version", Integer.parseInt(id.substring(id.indexOf("/v") + 2))))
                .toList();
        post("/v1/labeling/prompts", Map.of("prompts", queued, "models", versions), stack.gatewayApiKey());
        int ranked = 0;
        List<String> keys = stack.labelerKeys();
        List<Labeler> labelers = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            labelers.add(new Labeler("labeler-" + (i + 1), 0.1, settings.seed() + 700 + i));
        }
        boolean any = true;
        while (any) {
            any = false;
            for (int i = 0; i < keys.size(); i++) {
                JsonNode task = get("/v1/labeling/tasks/next", keys.get(i));
                if (task == null) {
                    continue;
                }
                any = true;
                String prompt = task.get("prompt").asText();
                List<String> texts = new ArrayList<>();
                List<Map<String, Object>> named = new ArrayList<>();
                for (JsonNode answer : task.get("answers")) {
                    texts.add(answer.get("text").asText());
                    named.add(Map.of("text", answer.get("text").asText(), "model",
                            JSON.convertValue(answer.get("model"), Map.class), "reference",
                            answer.get("reference").asText()));
                }
                List<Integer> likert = texts.stream().map(t -> Rubric.judge(prompt, t).likert()).toList();
                List<List<Integer>> tiers = labelers.get(i).rank(TaskParser.parse(prompt), texts);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("userId", task.get("userId").asText());
                body.put("prompt", prompt);
                body.put("answers", named);
                body.put("tiers", tiers);
                body.put("likert", likert);
                body.put("judgement", tiers.size() < 2 ? "all_bad" : "ranked");
                if (post("/v1/labeling/tasks/" + task.get("taskId").asText() + "/ranking", body, keys.get(i)) != null) {
                    ranked++;
                }
            }
        }
        return ranked;
    }

    /** The served policy after the week against the one before it, by the rubric, at temperature 1. */
    private Evaluation.WinRate judge(CheckpointStore store, String before, String after) {
        List<String> prompts = Jsonl.read(stack.dataDir().resolve(TaskWorldData.EVAL_PROMPTS), PromptRecord.class)
                .stream().map(PromptRecord::prompt).limit(settings.judgePrompts()).toList();
        List<String> x = ModelEvaluation.answers(stack.modelStore(), spec(after), prompts, 1f, Pipeline.EVAL_SEED);
        List<String> y = ModelEvaluation.answers(stack.modelStore(), spec(before), prompts, 1f, Pipeline.EVAL_SEED);
        return Evaluation.winRate(prompts, x, y);
    }

    private static String spec(String id) {
        return id.replace("/v", ":");
    }

    private JsonNode post(String path, Object body, String key) throws InterruptedException {
        try {
            return send(HttpRequest.newBuilder(URI.create(gateway + path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))), key, path);
        } catch (IOException e) {
            throw new IllegalStateException(path + ": " + e.getMessage(), e);
        }
    }

    private JsonNode get(String path, String key) throws InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(gateway + path)).GET(), key, path);
    }

    /** Sends with the key; waits out 429's Retry-After; null for 204 or a refused request (reported). */
    private JsonNode send(HttpRequest.Builder request, String key, String path) throws InterruptedException {
        HttpRequest r = request.header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(60)).build();
        for (int attempt = 0; attempt < 20; attempt++) {
            HttpResponse<String> response;
            try {
                response = http.send(r, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new IllegalStateException(path + ": " + e.getMessage(), e);
            }
            int status = response.statusCode();
            if (status == 429) {
                long wait = response.headers().firstValueAsLong("Retry-After").orElse(1);
                Thread.sleep(Math.max(1, wait) * 1000);
                continue;
            }
            if (status == 204) {
                return null;
            }
            if (status >= 400) {
                out.accept("  gateway " + path + " answered " + status + ": " + response.body());
                return null;
            }
            try {
                return JSON.readTree(response.body());
            } catch (IOException e) {
                throw new IllegalStateException(path + ": unreadable answer " + response.body(), e);
            }
        }
        throw new IllegalStateException(path + ": still rate-limited after 20 tries");
    }

    /** The weeks' table for the README and the note. */
    public static void table(List<Week> weeks, Consumer<String> out) {
        out.accept("online weeks: week | new comparisons | reward model | policy | served | judge decided share over "
                + "the previous (win rate)");
        for (Week w : weeks) {
            out.accept(String.format(Locale.ROOT, "  %d | %d | %s | %s | %s -> %s | %.3f (%.3f)", w.number(),
                    w.comparisons(), w.rewardPromoted() ? "promoted" : "kept", w.policyPromoted() ? "promoted" : "kept",
                    w.servedBefore(), w.servedAfter(), w.judged().decidedShare(), w.judged().mean()));
        }
    }

}
