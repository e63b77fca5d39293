package rlhf.demo.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What a soak measured and whether it passed: per load kind the calls, errors by status and latency percentiles of the
 * measured window (and the warm-up's, whose errors count too); per service the resident set and live NDArrays at the
 * first and last sample; the PPO versions published. It passes with no error in either phase, every load kind called,
 * at least one PPO version published in the measured window, and no service's memory grown past the settings' bounds
 * (the gateway's RSS bound also allows for the index it keeps by design, {@link #GATEWAY_BYTES_PER_COMPARISON}).
 *
 * @param startedAt       when the load began (ISO-8601, UTC)
 * @param loadSeconds     time of load, warm-up included
 * @param warmupSeconds   the warm-up's part of it
 * @param measuredSeconds time between the first and the last memory sample, pauses excluded
 * @param measured        calls of the measured window, per load kind
 * @param warmup          calls of the warm-up, per load kind
 * @param services        memory of each service at the two samples
 * @param ppo             PPO jobs and versions
 * @param failures        why it did not pass; empty when it did
 */
public record SoakReport(String startedAt, long loadSeconds, long warmupSeconds, long measuredSeconds, int clients,
        double maxRssGrowth, int arraySlack, List<KindRow> measured, List<KindRow> warmup, List<ServiceRow> services,
        PpoRow ppo, List<String> failures) {

    /** One load kind's calls; latencies in milliseconds, of the successful calls. */
    public record KindRow(String kind, String call, long calls, long errors, Map<String, Long> errorsByStatus,
            double errorRate, double p50Ms, double p95Ms, double p99Ms) {

        static KindRow of(LoadKind kind, CallStats.Summary s) {
            return new KindRow(kind.label(), kind.call(), s.calls(), s.errors(), s.errorsByStatus(), s.errorRate(),
                    s.p50Ms(), s.p95Ms(), s.p99Ms());
        }
    }

    /**
     * One service's memory at the first and last sample, each taken after a full GC: resident set, Java heap in use,
     * live NDArrays (-1 where the service has no DJL engine).
     */
    public record ServiceRow(String service, long rssStartKb, long rssEndKb, long heapStartKb, long heapEndKb,
            long liveArraysStart, long liveArraysEnd) {

        @JsonProperty
        public double rssGrowth() {
            return (double) (rssEndKb - rssStartKb) / rssStartKb;
        }
    }

    /**
     * @param jobsStarted          PPO jobs started during the soak (a job is started again when it ends)
     * @param publishedMeasured    policy versions published by PPO iterations in the measured window
     * @param publishedTotal       ... during the whole soak
     * @param rolloutsPerIteration rollouts each iteration learned from
     */
    public record PpoRow(int jobsStarted, int publishedMeasured, int publishedTotal, int rolloutsPerIteration) {
    }

    static final String GATEWAY = "feedback-gateway";
    /**
     * What the gateway may keep per comparison it appended, on top of the RSS bound: by design it holds every stored
     * comparison's id and content digest (deduplication against the log) and each user's prompt digests (InstructGPT's
     * per-user cap) in memory, about 350 bytes of heap each as measured (BENCHMARKS.md, Soak); allowed: three times that.
     */
    static final long GATEWAY_BYTES_PER_COMPARISON = 1024;

    /** The report of a finished soak, with its verdict. */
    static SoakReport of(String startedAt, SoakSettings settings, long measuredSeconds, List<KindRow> measured,
            List<KindRow> warmup, List<ServiceRow> services, PpoRow ppo) {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < measured.size(); i++) {
            KindRow m = measured.get(i);
            KindRow w = warmup.get(i);
            if (m.errors() + w.errors() > 0) {
                failures.add(m.kind() + ": " + (m.errors() + w.errors()) + " errors " + merged(m, w));
            }
            if (m.calls() == 0) {
                failures.add(m.kind() + ": no calls in the measured window");
            }
        }
        if (ppo.publishedMeasured() == 0) {
            failures.add("ppo: no version published in the measured window");
        }
        long appended = measured.stream().filter(k -> k.kind().equals(LoadKind.COMPARISON.label()))
                .mapToLong(k -> k.calls() - k.errors()).sum();
        for (ServiceRow s : services) {
            long indexKb = s.service().equals(GATEWAY) ? appended * GATEWAY_BYTES_PER_COMPARISON / 1024 : 0;
            if (s.rssEndKb() > s.rssStartKb() * (1 + settings.maxRssGrowth()) + indexKb) {
                failures.add(String.format(Locale.ROOT, "%s: RSS grew %.1f%% (%d -> %d MB) > %.0f%%%s", s.service(),
                        100 * s.rssGrowth(), s.rssStartKb() / 1024, s.rssEndKb() / 1024, 100 * settings.maxRssGrowth(),
                        indexKb == 0 ? "" : " + " + indexKb / 1024 + " MB for " + appended + " comparisons"));
            }
            if (s.liveArraysStart() >= 0 && s.liveArraysEnd() > s.liveArraysStart() + settings.arraySlack()) {
                failures.add(s.service() + ": live NDArrays grew " + s.liveArraysStart() + " -> " + s.liveArraysEnd()
                        + " (> start + " + settings.arraySlack() + ")");
            }
        }
        return new SoakReport(startedAt, settings.load().toSeconds(), settings.warmup().toSeconds(), measuredSeconds,
                settings.clients(), settings.maxRssGrowth(), settings.arraySlack(), measured, warmup, services, ppo,
                List.copyOf(failures));
    }

    private static Map<String, Long> merged(KindRow a, KindRow b) {
        Map<String, Long> all = new java.util.TreeMap<>(a.errorsByStatus());
        b.errorsByStatus().forEach((status, n) -> all.merge(status, n, Long::sum));
        return all;
    }

    @JsonProperty
    public boolean passed() {
        return failures.isEmpty();
    }

    /** The report as Markdown: the tables BENCHMARKS.md's Soak section shows. */
    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Soak started %s: %d s of load (the first %d s warm-up), %d clients per "
                + "request kind; measured window %d s.%n%n", startedAt, loadSeconds, warmupSeconds, clients,
                measuredSeconds));
        md.append("| load (measured window) | calls | errors | error rate | p50 ms | p95 ms | p99 ms |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (KindRow k : measured) {
            md.append(String.format(Locale.ROOT, "| %s | %,d | %s | %.4f | %.1f | %.1f | %.1f |%n", k.kind(),
                    k.calls(), errors(k), k.errorRate(), k.p50Ms(), k.p95Ms(), k.p99Ms()));
        }
        md.append(String.format(Locale.ROOT, "%nWarm-up: %s.%n%n", String.join(", ", warmup.stream()
                .map(k -> k.kind() + " " + k.calls() + " calls, " + errors(k) + " errors").toList())));
        md.append("| service (after a full GC) | RSS start MB | RSS end MB | RSS growth | heap used start MB "
                + "| heap used end MB | live NDArrays start | live NDArrays end |\n");
        md.append("|---|---|---|---|---|---|---|---|\n");
        for (ServiceRow s : services) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %+.1f%% | %.1f | %.1f | %s | %s |%n", s.service(),
                    s.rssStartKb() / 1024, s.rssEndKb() / 1024, 100 * s.rssGrowth(), s.heapStartKb() / 1024.0,
                    s.heapEndKb() / 1024.0, arrays(s.liveArraysStart()), arrays(s.liveArraysEnd())));
        }
        md.append(String.format(Locale.ROOT, "%nPPO: %d policy versions published in the measured window (%d in all, "
                + "%d rollouts each), %d jobs started.%n%n", ppo.publishedMeasured(), ppo.publishedTotal(),
                ppo.rolloutsPerIteration(), ppo.jobsStarted()));
        md.append(String.format(Locale.ROOT, "Bounds: no errors; RSS end <= start + %.0f%% (feedback-gateway: + %d "
                + "bytes per comparison appended, its dedup index); live NDArrays end <= start + %d.%n%n",
                100 * maxRssGrowth, GATEWAY_BYTES_PER_COMPARISON, arraySlack));
        md.append(passed() ? "Verdict: PASSED\n" : "Verdict: FAILED: " + String.join("; ", failures) + "\n");
        return md.toString();
    }

    private static String errors(KindRow k) {
        return k.errors() == 0 ? "0" : k.errors() + " " + k.errorsByStatus();
    }

    private static String arrays(long n) {
        return n < 0 ? "-" : Long.toString(n);
    }

    /** Writes {@code soak-report.json} and {@code soak-report.md} into {@code dir}; returns the Markdown file. */
    public Path write(Path dir) {
        try {
            Files.createDirectories(dir);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(dir.resolve("soak-report.json").toFile(), this);
            Path md = dir.resolve("soak-report.md");
            Files.writeString(md, markdown());
            return md;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the soak report to " + dir, e);
        }
    }
}
